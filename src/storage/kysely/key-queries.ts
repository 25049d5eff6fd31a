// Reads of keys shared by the key repository's methods: keys whose API is not deleted, with role ids.
import type { KeyRecord } from "../../core/index.js";
import type { StoreContext } from "./context.js";
import { roleIdsOf } from "./key-roles.js";
import { toKey } from "./row-mappers.js";

/** Keys of one workspace whose API still exists: a soft-deleted API takes its keys with it. */
export function liveKeys(ctx: StoreContext, workspaceId: string) {
  return ctx.db
    .selectFrom("keys")
    .innerJoin("apis", "apis.id", "keys.api_id")
    .selectAll("keys")
    .where("keys.workspace_id", "=", workspaceId)
    .where("apis.deleted_at", "is", null);
}

export async function getLiveKey(ctx: StoreContext, workspaceId: string, keyId: string): Promise<KeyRecord | null> {
  const row = await liveKeys(ctx, workspaceId).where("keys.id", "=", keyId).executeTakeFirst();
  if (!row) return null;
  const roles = await roleIdsOf(ctx, [row.id]);
  return toKey(ctx.profile, row, roles.get(row.id) ?? []);
}

/** A key by id regardless of its API, for returning what was just written. */
export async function getKeyById(ctx: StoreContext, keyId: string): Promise<KeyRecord | null> {
  const row = await ctx.db.selectFrom("keys").selectAll().where("id", "=", keyId).executeTakeFirst();
  if (!row) return null;
  const roles = await roleIdsOf(ctx, [row.id]);
  return toKey(ctx.profile, row, roles.get(row.id) ?? []);
}
