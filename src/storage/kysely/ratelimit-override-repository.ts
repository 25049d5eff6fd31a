// Per-identifier overrides of the standalone limiter, keyed by (workspace, namespace, identifier).
import type { RateLimitOverrideStore } from "../port.js";
import type { StoreContext } from "./context.js";
import { touched } from "./context.js";
import { fetchSize, toPageBy } from "./paging.js";
import { toRateLimitOverride } from "./row-mappers.js";

export function createRateLimitOverrideRepository(ctx: StoreContext): RateLimitOverrideStore {
  const { db, profile } = ctx;
  const scoped = (workspaceId: string, namespace: string) =>
    db.selectFrom("ratelimit_overrides").selectAll().where("workspace_id", "=", workspaceId).where("namespace", "=", namespace);

  return {
    async put(override) {
      const at = profile.time.encode(override.now);
      // Replacing keeps the first created_at: it is when the override was made, updated_at when it last changed.
      const row = await db
        .insertInto("ratelimit_overrides")
        .values({
          workspace_id: override.workspaceId,
          namespace: override.namespace,
          identifier: override.identifier,
          limit: override.limit,
          duration_ms: override.durationMs,
          created_at: at,
          updated_at: at,
        })
        .onConflict((oc) =>
          oc.columns(["workspace_id", "namespace", "identifier"]).doUpdateSet((eb) => ({
            limit: eb.ref("excluded.limit"),
            duration_ms: eb.ref("excluded.duration_ms"),
            updated_at: eb.ref("excluded.updated_at"),
          })),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
      return toRateLimitOverride(profile, row);
    },

    async get(workspaceId, namespace, identifier) {
      const row = await scoped(workspaceId, namespace).where("identifier", "=", identifier).executeTakeFirst();
      return row ? toRateLimitOverride(profile, row) : null;
    },

    async list(workspaceId, namespace, page) {
      let query = scoped(workspaceId, namespace);
      // The column's collation is bytewise (the migration), so ORDER BY and `>` agree on every server.
      if (page.after !== undefined) query = query.where("identifier", ">", page.after);
      const rows = await query.orderBy("identifier").limit(fetchSize(page)).execute();
      return toPageBy(
        rows.map((row) => toRateLimitOverride(profile, row)),
        page,
        (override) => override.identifier,
      );
    },

    async delete(workspaceId, namespace, identifier) {
      const result = await db
        .deleteFrom("ratelimit_overrides")
        .where("workspace_id", "=", workspaceId)
        .where("namespace", "=", namespace)
        .where("identifier", "=", identifier)
        .executeTakeFirst();
      return touched(result);
    },
  };
}
