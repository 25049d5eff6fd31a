// Import of keys from another system (POST /v1/keys/import): every row checked before anything is
// written, then all good rows in one transaction with one audit entry each. A plaintext key is hashed
// on arrival and dropped; it never reaches the store, a log, an error or the audit log.
import { createId, type IdentityRecord, type RoleRecord } from "../core/index.js";
import { newKeyExpiry } from "../core/lifecycle/index.js";
import { identityAuditView, keyAuditView } from "../audit/audit-views.js";
import { isKeywardError, KeywardError } from "../errors/index.js";
import type { NewKey, Store } from "../storage/port.js";
import { getApi } from "./apis-service.js";
import { recordChanges, type Change, type ChangeActor } from "./audit-trail.js";
import type { ServiceContext } from "./context.js";
import { checkImportRows, type CheckedRow, type RowProblem } from "./import-rows.js";
import { withDefaults } from "./ratelimit-checks.js";
import { resolveRoles } from "./role-refs.js";

export interface ImportKeysInput {
  apiId: string;
  rows: readonly unknown[];
  skipInvalid?: boolean;
  /** Check and count, write nothing (`imported` is then what would be imported). */
  dryRun?: boolean;
}

export interface ImportKeysResult {
  imported: number;
  existing: number;
  invalid: { row: number; problems: RowProblem[] }[];
  keys: { row: number; keyId: string }[];
}

export async function importKeys(ctx: ServiceContext, actor: ChangeActor, input: ImportKeysInput): Promise<ImportKeysResult> {
  const api = await getApi(ctx, actor, input.apiId);
  const now = ctx.now();
  const { good, bad } = checkImportRows(input.rows, now);
  for (const [index, row] of good) {
    const expiry = newKeyExpiry(api.policy, api.defaults, row.expiresAt, now);
    if (!expiry.ok) {
      good.delete(index);
      bad.set(index, [{ path: "/expiresAt", message: `must be at the latest ${expiry.latest.toISOString()} (the API's maximum key lifetime)`, code: expiry.code }]);
    } else row.expiresAt = expiry.expiresAt;
  }

  const outcome = await ctx.store.transaction(async (store) => {
    const keys: ImportKeysResult["keys"] = [];
    let existing = 0;
    const rowOfHash = new Map([...good].map(([index, row]) => [row.hash, index]));
    for (const owner of await store.keys.findHashOwners([...rowOfHash.keys()])) {
      const index = rowOfHash.get(owner.hash);
      const row = index === undefined ? undefined : good.get(index);
      if (index === undefined || !row) continue;
      good.delete(index);
      // A re-run: the key is this API's already. Anywhere else it is a conflict, and whose is not said.
      if (owner.workspaceId === actor.workspaceId && owner.apiId === api.id) {
        existing += 1;
        keys.push({ row: index, keyId: owner.keyId });
      } else bad.set(index, [{ path: row.keyField, message: "this key exists already outside this API", code: "KEY_HASH_CONFLICT" }]);
    }
    const roles = await resolveRowRoles(store, actor.workspaceId, good, bad);
    if (bad.size > 0 && !input.skipInvalid) throw invalidRows(bad, input.rows.length);
    if (input.dryRun) return { imported: good.size, existing, keys, hashes: [] };

    // Owners named by externalId: found in bulk, the missing ones created in bulk (an import may name
    // tens of thousands; one lookup and one insert each would dominate its time).
    const externalIds = [...new Set([...good.values()].flatMap(({ row }) => (row.externalId === undefined ? [] : [row.externalId])))];
    const identities = new Map<string, string>();
    for (const identity of await store.identities.getManyByExternalId(actor.workspaceId, externalIds)) identities.set(identity.externalId, identity.id);
    const createdIdentities: IdentityRecord[] = await store.identities.createMany(
      externalIds
        .filter((externalId) => !identities.has(externalId))
        .map((externalId) => ({ id: createId("id", now, ctx.random), workspaceId: actor.workspaceId, externalId, meta: {}, now })),
    );
    for (const identity of createdIdentities) identities.set(identity.externalId, identity.id);
    const indexes = [...good.keys()];
    const newKeys: NewKey[] = indexes.map((index) => {
      const checked = good.get(index)!;
      const { row } = checked;
      return {
        id: createId("key", now, ctx.random),
        workspaceId: actor.workspaceId,
        apiId: api.id,
        hash: checked.hash,
        start: checked.start,
        environment: row.environment ?? api.defaults.environment ?? "live",
        name: row.name ?? null,
        identityId: row.externalId === undefined ? null : identities.get(row.externalId)!,
        permissions: row.permissions ?? [],
        roleIds: (roles.get(index) ?? []).map((role) => role.id),
        enabled: row.enabled ?? true,
        expiresAt: checked.expiresAt ?? null,
        restrictions: {},
        meta: row.meta ?? {},
        ratelimits: withDefaults(row.ratelimits) ?? [],
        now,
      };
    });
    const records = await store.keys.importMany(newKeys);
    if (records.length > 0) await store.apis.markHoldsImportedKeys(actor.workspaceId, api.id);
    const changes: Change[] = [
      ...createdIdentities.map((identity): Change => ({ action: "identity.create", targetId: identity.id, after: identityAuditView(identity) })),
      ...records.map((key): Change => ({ action: "key.import", targetId: key.id, after: keyAuditView(key) })),
    ];
    await recordChanges(ctx, store, actor, changes);
    records.forEach((key, position) => keys.push({ row: indexes[position]!, keyId: key.id }));
    return { imported: records.length, existing, keys, hashes: newKeys.map((key) => key.hash) };
  });

  if (outcome.hashes.length > 0) {
    // A caller may have tried one of these keys a moment ago: its "unknown" answer must not outlive the import.
    for (const hash of outcome.hashes) ctx.cache.delete(hash);
    await ctx.invalidation.imports(actor.workspaceId, api.id);
  }
  return {
    imported: outcome.imported,
    existing: outcome.existing,
    invalid: [...bad].sort(([a], [b]) => a - b).map(([row, problems]) => ({ row, problems })),
    keys: outcome.keys.sort((a, b) => a.row - b.row),
  };
}

/** Each good row's roles (refs looked up once per distinct list); a row naming an unknown role goes bad. */
async function resolveRowRoles(store: Store, workspaceId: string, good: Map<number, CheckedRow>, bad: Map<number, RowProblem[]>): Promise<Map<number, RoleRecord[]>> {
  const byRefs = new Map<string, RoleRecord[] | RowProblem[]>();
  const roles = new Map<number, RoleRecord[]>();
  for (const [index, { row }] of good) {
    if (!row.roles?.length) continue;
    const refs = JSON.stringify(row.roles);
    if (!byRefs.has(refs)) {
      try {
        byRefs.set(refs, await resolveRoles(store, workspaceId, row.roles, "/roles"));
      } catch (error) {
        if (!isKeywardError(error)) throw error;
        byRefs.set(refs, (error.fields ?? []).map((field) => ({ path: field.pointer, message: field.message, code: error.code })));
      }
    }
    const resolved = byRefs.get(refs)!;
    if (resolved.length > 0 && "code" in resolved[0]!) {
      good.delete(index);
      bad.set(index, resolved as RowProblem[]);
    } else roles.set(index, resolved as RoleRecord[]);
  }
  return roles;
}

function invalidRows(bad: Map<number, RowProblem[]>, total: number): KeywardError {
  const fields = [...bad]
    .sort(([a], [b]) => a - b)
    .flatMap(([row, problems]) => problems.map((problem) => ({ pointer: `/body/rows/${row}${problem.path}`, message: `${problem.code}: ${problem.message}` })));
  return new KeywardError("IMPORT_INVALID_ROWS", `${bad.size} of ${total} rows are not valid; nothing was imported.`, fields);
}
