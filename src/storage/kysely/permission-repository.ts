// The workspace's permission catalogue: every name a key or role was ever given, for listing and autocomplete.
import type { PermissionStore } from "../port.js";
import type { StoreContext } from "./context.js";

export function createPermissionRepository(ctx: StoreContext): PermissionStore {
  return {
    async list(workspaceId) {
      const rows = await ctx.db.selectFrom("permissions").select("name").where("workspace_id", "=", workspaceId).execute();
      // Sorted here, not by ORDER BY, so the order is code-unit order whatever the database collation.
      return rows.map((row) => row.name).sort();
    },
  };
}

/** Adds names to the catalogue; names already there stay as they are (first registration wins). */
export async function registerPermissions(ctx: StoreContext, workspaceId: string, names: string[], now: Date): Promise<void> {
  const unique = [...new Set(names)];
  if (unique.length === 0) return;
  const createdAt = ctx.profile.time.encode(now);
  await ctx.db
    .insertInto("permissions")
    .values(unique.map((name) => ({ workspace_id: workspaceId, name, created_at: createdAt })))
    .onConflict((oc) => oc.columns(["workspace_id", "name"]).doNothing())
    .execute();
}
