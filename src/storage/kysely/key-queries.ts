// Reads of keys shared by the key repository's methods: keys whose API is not deleted, with role ids and credits.
import type { Selectable } from "kysely";
import { rotationDueAt, type KeyRecord } from "../../core/index.js";
import type { StoreContext } from "./context.js";
import { rotationPeriodsByApi } from "./key-due.js";
import { roleIdsOf } from "./key-roles.js";
import { creditsOf } from "./owner-credits.js";
import { toKey } from "./row-mappers.js";
import type { KeysTable } from "./schema.js";

/** Keys of one workspace whose API still exists: a soft-deleted API takes its keys with it. */
export function liveKeys(ctx: StoreContext, workspaceId: string) {
  return ctx.db
    .selectFrom("keys")
    .innerJoin("apis", "apis.id", "keys.api_id")
    .selectAll("keys")
    .where("keys.workspace_id", "=", workspaceId)
    .where("apis.deleted_at", "is", null);
}

/** Key records for rows of one workspace: one query for all their roles and one for all their credits. */
export async function toKeys(ctx: StoreContext, workspaceId: string, rows: Selectable<KeysTable>[]): Promise<KeyRecord[]> {
  const ids = rows.map((row) => row.id);
  const [roles, credits, periods] = await Promise.all([
    roleIdsOf(ctx, ids),
    creditsOf(ctx, workspaceId, ids),
    rotationPeriodsByApi(ctx, rows.map((row) => row.api_id)),
  ]);
  return rows.map((row) => withRotationDue(toKey(ctx.profile, row, roles.get(row.id) ?? [], credits.get(row.id) ?? null), periods.get(row.api_id)));
}

/** rotationDueAt follows the API's current rotation period (a policy change moves it; nothing is stored). */
function withRotationDue(key: KeyRecord, periodSeconds: number | undefined): KeyRecord {
  const due = rotationDueAt({ rotationPeriodSeconds: periodSeconds }, key);
  return due === null ? key : { ...key, rotationDueAt: due };
}

export async function getLiveKey(ctx: StoreContext, workspaceId: string, keyId: string): Promise<KeyRecord | null> {
  const row = await liveKeys(ctx, workspaceId).where("keys.id", "=", keyId).executeTakeFirst();
  return row ? ((await toKeys(ctx, workspaceId, [row]))[0] ?? null) : null;
}

/** A key by id regardless of its API, for returning what was just written. */
export async function getKeyById(ctx: StoreContext, keyId: string): Promise<KeyRecord | null> {
  const row = await ctx.db.selectFrom("keys").selectAll().where("id", "=", keyId).executeTakeFirst();
  return row ? ((await toKeys(ctx, row.workspace_id, [row]))[0] ?? null) : null;
}
