// Credit balances of keys and identities: the management side (set, configure, adjust, remove) here,
// the serving side (lease, give back, refill, mark low) in credit-balance.ts.
import { sql } from "kysely";
import { StoreConflictError, type CreditStore } from "../port.js";
import type { StoreContext } from "./context.js";
import { touched } from "./context.js";
import { createCreditBalance, wholeCredits } from "./credit-balance.js";
import { toCredits } from "./row-mappers.js";

export function createCreditRepository(ctx: StoreContext): CreditStore {
  const { db, profile } = ctx;
  const refillOf = (refill: unknown) => (refill === null ? null : profile.json.encode(refill));
  const thresholdOf = (threshold: number | null) => (threshold === null ? null : wholeCredits(threshold));

  return {
    async get(workspaceId, ownerId) {
      const row = await db
        .selectFrom("credits")
        .selectAll()
        .where("workspace_id", "=", workspaceId)
        .where("owner_id", "=", ownerId)
        .executeTakeFirst();
      return row ? toCredits(profile, row) : null;
    },

    async set(config) {
      const at = profile.time.encode(config.now);
      const row = await db
        .insertInto("credits")
        .values({
          owner_id: config.ownerId,
          workspace_id: config.workspaceId,
          remaining: wholeCredits(config.remaining),
          refill: refillOf(config.refill),
          refilled_at: at,
          low_threshold: thresholdOf(config.lowThreshold),
          low_at: null,
          updated_at: at,
        })
        .onConflict((oc) =>
          oc
            .column("owner_id")
            .doUpdateSet((eb) => ({
              remaining: eb.ref("excluded.remaining"),
              refill: eb.ref("excluded.refill"),
              refilled_at: eb.ref("excluded.refilled_at"),
              low_threshold: eb.ref("excluded.low_threshold"),
              low_at: null,
              updated_at: eb.ref("excluded.updated_at"),
            }))
            // Owner ids are unique across workspaces; another workspace's row is never overwritten.
            .where("credits.workspace_id", "=", config.workspaceId),
        )
        .returningAll()
        .executeTakeFirst();
      if (!row) throw new StoreConflictError("ownerId");
      return toCredits(profile, row);
    },

    async configure(workspaceId, ownerId, patch, now) {
      const row = await db
        .updateTable("credits")
        .set({
          ...(patch.refill !== undefined && { refill: refillOf(patch.refill) }),
          ...(patch.lowThreshold !== undefined && { low_threshold: thresholdOf(patch.lowThreshold) }),
          updated_at: profile.time.encode(now),
        })
        .where("workspace_id", "=", workspaceId)
        .where("owner_id", "=", ownerId)
        .returningAll()
        .executeTakeFirst();
      return row ? toCredits(profile, row) : null;
    },

    async remove(workspaceId, ownerId) {
      const result = await db.deleteFrom("credits").where("workspace_id", "=", workspaceId).where("owner_id", "=", ownerId).executeTakeFirst();
      return touched(result);
    },

    async adjust(workspaceId, ownerId, delta, now) {
      const change = wholeCredits(delta);
      // One statement: SET expressions all read the row as it was, so the low_at test repeats the new balance.
      const row = await db
        .updateTable("credits")
        .set((eb) => {
          const next = sql<number>`case when ${eb.ref("remaining")} + ${change} < 0 then 0 else ${eb.ref("remaining")} + ${change} end`;
          const threshold = eb.ref("low_threshold");
          return {
            remaining: next,
            low_at: sql`case when ${threshold} is not null and ${next} > ${threshold} then null else ${eb.ref("low_at")} end`,
            updated_at: profile.time.encode(now),
          };
        })
        .where("workspace_id", "=", workspaceId)
        .where("owner_id", "=", ownerId)
        .returningAll()
        .executeTakeFirst();
      return row ? toCredits(profile, row) : null;
    },

    ...createCreditBalance(ctx),
  };
}
