// Bulk writes of keys brought in from another system: many rows per INSERT (an import is thousands of
// keys per request), their role links and permission names in a few statements, all in one transaction.
import type { Insertable } from "kysely";
import type { KeyRecord } from "../../core/index.js";
import { StoreConflictError, type HashOwner, type NewKey } from "../port.js";
import { atomic, rethrowConflict, type StoreContext } from "./context.js";
import { toKeys } from "./key-queries.js";
import { registerPermissions } from "./permission-repository.js";
import { newKeyRow } from "./key-rows.js";
import type { KeysTable } from "./schema.js";

/** Rows per INSERT: 21 columns × 400 stays far below SQLite's 32,766 bound parameters. */
const ROWS_PER_INSERT = 400;
/** Values per `in (…)` list. */
const IDS_PER_QUERY = 500;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let index = 0; index < items.length; index += size) out.push(items.slice(index, index + size));
  return out;
}

function toRow({ profile }: StoreContext, key: NewKey): Insertable<KeysTable> {
  return { ...newKeyRow(profile, key), imported_at: profile.time.encode(key.now) };
}

export function importKeys(ctx: StoreContext, keys: NewKey[]): Promise<KeyRecord[]> {
  if (keys.length === 0) return Promise.resolve([]);
  return atomic(ctx, async (tx) => {
    for (const batch of chunks(keys, ROWS_PER_INSERT)) {
      await tx.db
        .insertInto("keys")
        .values(batch.map((key) => toRow(tx, key)))
        .execute()
        .catch((error: unknown) => rethrowConflict(tx, error, () => new StoreConflictError("hash")));
    }
    await linkRoles(tx, keys);
    const byWorkspace = new Map<string, { names: Set<string>; now: Date }>();
    for (const key of keys) {
      const entry = byWorkspace.get(key.workspaceId) ?? { names: new Set<string>(), now: key.now };
      for (const name of key.permissions) entry.names.add(name);
      byWorkspace.set(key.workspaceId, entry);
    }
    for (const [workspaceId, { names, now }] of byWorkspace) await registerPermissions(tx, workspaceId, [...names], now);
    return readBack(tx, keys);
  });
}

/** Only roles of each key's own workspace are linked, as replaceKeyRoles does for a single key. */
async function linkRoles(tx: StoreContext, keys: NewKey[]): Promise<void> {
  const wanted = new Set(keys.flatMap((key) => key.roleIds));
  if (wanted.size === 0) return;
  const owned = new Set<string>();
  for (const ids of chunks([...wanted], IDS_PER_QUERY)) {
    const rows = await tx.db.selectFrom("roles").select(["id", "workspace_id"]).where("id", "in", ids).execute();
    for (const row of rows) owned.add(`${row.workspace_id} ${row.id}`);
  }
  const links = keys.flatMap((key) =>
    [...new Set(key.roleIds)].filter((roleId) => owned.has(`${key.workspaceId} ${roleId}`)).map((roleId) => ({ key_id: key.id, role_id: roleId })),
  );
  for (const batch of chunks(links, ROWS_PER_INSERT)) await tx.db.insertInto("key_roles").values(batch).execute();
}

async function readBack(tx: StoreContext, keys: NewKey[]): Promise<KeyRecord[]> {
  const found = new Map<string, KeyRecord>();
  for (const batch of chunks(keys, IDS_PER_QUERY)) {
    const workspaceId = batch[0]!.workspaceId;
    const rows = await tx.db.selectFrom("keys").selectAll().where("id", "in", batch.map((key) => key.id)).execute();
    for (const record of await toKeys(tx, workspaceId, rows)) found.set(record.id, record);
  }
  return keys.map((key) => {
    const record = found.get(key.id);
    if (!record) throw new Error(`key ${key.id} vanished after insert`);
    return record;
  });
}

export async function findHashOwners(ctx: StoreContext, hashes: string[]): Promise<HashOwner[]> {
  const owners: HashOwner[] = [];
  for (const batch of chunks([...new Set(hashes)], IDS_PER_QUERY)) {
    const current = await ctx.db.selectFrom("keys").select(["hash", "id", "workspace_id", "api_id"]).where("hash", "in", batch).execute();
    for (const row of current) owners.push({ hash: row.hash, keyId: row.id, workspaceId: row.workspace_id, apiId: row.api_id });
    const retired = await ctx.db
      .selectFrom("retired_key_hashes")
      .innerJoin("keys", "keys.id", "retired_key_hashes.key_id")
      .select(["retired_key_hashes.hash as hash", "keys.id as id", "keys.workspace_id as workspace_id", "keys.api_id as api_id"])
      .where("retired_key_hashes.hash", "in", batch)
      .execute();
    for (const row of retired) owners.push({ hash: row.hash, keyId: row.id, workspaceId: row.workspace_id, apiId: row.api_id });
  }
  return owners;
}
