// Write-behind of verification usage: lastUsedAt only moves forward, counts only add up.
import { sql } from "kysely";
import type { KeyUsage } from "../port.js";
import type { StoreContext } from "./context.js";
import { atomic } from "./context.js";

interface MergedUsage {
  lastUsedAt: Date;
  verifications: number;
}

/** One entry per key: several flushes of one node may name a key more than once in a batch. */
function mergeByKey(usage: KeyUsage[]): Map<string, MergedUsage> {
  const merged = new Map<string, MergedUsage>();
  for (const entry of usage) {
    const seen = merged.get(entry.keyId);
    if (!seen) merged.set(entry.keyId, { lastUsedAt: entry.lastUsedAt, verifications: entry.verifications });
    else {
      if (entry.lastUsedAt > seen.lastUsedAt) seen.lastUsedAt = entry.lastUsedAt;
      seen.verifications += entry.verifications;
    }
  }
  return merged;
}

/** A count the database accepts: whole, finite, never negative (a count only grows). */
function countOf(verifications: number): number {
  return Number.isFinite(verifications) && verifications > 0 ? Math.trunc(verifications) : 0;
}

export async function recordUsage(ctx: StoreContext, usage: KeyUsage[]): Promise<void> {
  const merged = mergeByKey(usage);
  if (merged.size === 0) return;
  // Sorted ids give every flushing node the same row-lock order, so two flushes cannot deadlock.
  const keyIds = [...merged.keys()].sort();
  await atomic(ctx, async (tx) => {
    for (const keyId of keyIds) {
      const entry = merged.get(keyId)!;
      const at = tx.profile.time.encode(entry.lastUsedAt);
      // A portable max(): SQLite's two-argument max() and PostgreSQL's greatest() differ in name and NULLs.
      await tx.db
        .updateTable("keys")
        .set((eb) => ({
          last_used_at: sql`case when ${eb.ref("last_used_at")} is null or ${eb.ref("last_used_at")} < ${at} then ${at} else ${eb.ref("last_used_at")} end`,
          verification_count: sql`${eb.ref("verification_count")} + ${countOf(entry.verifications)}`,
        }))
        .where("id", "=", keyId)
        .execute();
    }
  });
}
