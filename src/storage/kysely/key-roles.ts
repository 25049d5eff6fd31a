// The key ↔ role links (key_roles): reading a page of keys' role ids at once, and replacing a key's set.
import type { StoreContext } from "./context.js";

/** Role ids per key id, each list in id order; keys without roles map to []. */
export async function roleIdsOf(ctx: StoreContext, keyIds: string[]): Promise<Map<string, string[]>> {
  const byKey = new Map<string, string[]>(keyIds.map((id) => [id, []]));
  if (keyIds.length === 0) return byKey;
  const rows = await ctx.db
    .selectFrom("key_roles")
    .select(["key_id", "role_id"])
    .where("key_id", "in", keyIds)
    .orderBy("key_id")
    .orderBy("role_id")
    .execute();
  for (const row of rows) byKey.get(row.key_id)?.push(row.role_id);
  return byKey;
}

/**
 * Makes `roleIds` the key's role set. Only roles of the key's own workspace are attached: an id from
 * another workspace is dropped here rather than trusted, so a key can never inherit a foreign role.
 */
export async function replaceKeyRoles(ctx: StoreContext, workspaceId: string, keyId: string, roleIds: string[]): Promise<void> {
  await ctx.db.deleteFrom("key_roles").where("key_id", "=", keyId).execute();
  const wanted = [...new Set(roleIds)];
  if (wanted.length === 0) return;
  const owned = await ctx.db
    .selectFrom("roles")
    .select("id")
    .where("workspace_id", "=", workspaceId)
    .where("id", "in", wanted)
    .execute();
  if (owned.length === 0) return;
  await ctx.db
    .insertInto("key_roles")
    .values(owned.map((role) => ({ key_id: keyId, role_id: role.id })))
    .execute();
}
