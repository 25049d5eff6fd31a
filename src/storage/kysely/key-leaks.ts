// A leak's writes (services/leaks-service.ts): each one guarded statement, so that of several reports of
// the same key racing on several nodes exactly one finds it changed and writes the audit entry.
import type { KeyRecord } from "../../core/index.js";
import type { StoreContext } from "./context.js";
import { touched } from "./context.js";
import { getLiveKey } from "./key-queries.js";

export async function containLeak(
  ctx: StoreContext,
  workspaceId: string,
  keyId: string,
  containment: "revoke" | "disable",
  reason: string | null,
  now: Date,
): Promise<{ key: KeyRecord; changed: boolean } | null> {
  const { db, profile } = ctx;
  const at = profile.time.encode(now);
  let query = db
    .updateTable("keys")
    .set(containment === "revoke" ? { revoked_at: at, revoked_reason: reason, updated_at: at } : { enabled: profile.bool.encode(false), updated_at: at })
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", keyId)
    .where("revoked_at", "is", null)
    .where((eb) => eb.exists(eb.selectFrom("apis").select("apis.id").whereRef("apis.id", "=", "keys.api_id").where("apis.deleted_at", "is", null)));
  if (containment === "disable") query = query.where("enabled", "=", profile.bool.encode(true));
  const result = await query.executeTakeFirst();
  const key = await getLiveKey(ctx, workspaceId, keyId);
  return key ? { key, changed: touched(result) } : null;
}

export async function endGrace(ctx: StoreContext, workspaceId: string, retiredHash: string, now: Date): Promise<boolean> {
  const at = ctx.profile.time.encode(now);
  const result = await ctx.db
    .updateTable("retired_key_hashes")
    .set({ grace_ends_at: at })
    .where("workspace_id", "=", workspaceId)
    .where("hash", "=", retiredHash)
    .where("grace_ends_at", ">", at)
    .executeTakeFirst();
  return touched(result);
}
