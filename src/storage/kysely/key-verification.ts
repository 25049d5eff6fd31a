// The verification read (cache misses only), one round trip: the key joined with its API and identity, its
// roles and the credits of key and identity as two JSON arrays from subqueries (the dialect profile's
// jsonArrayFrom). Subqueries rather than more joins: PostgreSQL plans each small subquery alone, while a
// seven-table join cost it about a millisecond of planning per call. A hash that is no key's current one
// costs a second read (a retired secret's).
import type { CompiledQuery, InferResult, Kysely, Selectable } from "kysely";
import type { CreditsRecord, VerifiableKey } from "../../core/index.js";
import type { StoreContext } from "./context.js";
import type { CreditsTable, Database, KeysTable, RolesTable } from "./schema.js";
import { toApi, toCredits, toIdentity, toKey, toRole } from "./row-mappers.js";

/**
 * By the current secret's hash, else by a secret a rotation retired (then `graceEndsAt` says until
 * when it is honoured; the decision refuses it afterwards).
 */
export async function findForVerification(ctx: StoreContext, hash: string): Promise<VerifiableKey | null> {
  const current = await findKey(ctx, { hash });
  if (current) return current;
  const retired = await ctx.db.selectFrom("retired_key_hashes").select(["key_id", "workspace_id", "grace_ends_at"]).where("hash", "=", hash).executeTakeFirst();
  if (!retired) return null;
  const key = await findKey(ctx, { id: retired.key_id, workspaceId: retired.workspace_id });
  return key ? { ...key, graceEndsAt: ctx.profile.time.decode(retired.grace_ends_at) } : null;
}

type Lookup = { hash: string } | { id: string; workspaceId: string };

/**
 * Every column of a key, named: a kept (prepared) statement must not select `*` (see keepPrepared). A column
 * missing here fails the build where the row is mapped (toKey).
 */
const KEY_COLUMNS = [
  "id", "workspace_id", "api_id", "hash", "start", "environment", "name", "identity_id", "permissions", "enabled", "expires_at",
  "restrictions", "meta", "created_at", "updated_at", "last_used_at", "verification_count", "revoked_at", "revoked_reason",
  "ratelimits", "imported_at", "rotated_at", "expiring_announced_for", "rotation_announced_for", "expired_announced_for",
] as const satisfies readonly (keyof KeysTable)[];
const ROLE_COLUMNS = ["id", "workspace_id", "name", "description", "permissions", "created_at", "updated_at"] as const;
const CREDIT_COLUMNS = ["owner_id", "workspace_id", "remaining", "refill", "refilled_at", "low_threshold", "low_at", "updated_at"] as const;

function verificationQuery(db: Kysely<Database>, profile: StoreContext["profile"], by: Lookup) {
  // Every join and subquery repeats the workspace, so that a row pointing across workspaces is never followed.
  return db
    .selectFrom("keys")
    .innerJoin("apis", (join) => join.onRef("apis.id", "=", "keys.api_id").onRef("apis.workspace_id", "=", "keys.workspace_id"))
    .leftJoin("identities", (join) =>
      join.onRef("identities.id", "=", "keys.identity_id").onRef("identities.workspace_id", "=", "keys.workspace_id"),
    )
    .select(KEY_COLUMNS.map((column) => `keys.${column}` as const))
    .select([
      "apis.kind as api_kind",
      "apis.name as api_name",
      "apis.prefix as api_prefix",
      "apis.defaults as api_defaults",
      "apis.policy as api_policy",
      "apis.holds_imported_keys as api_holds_imported_keys",
      "apis.created_at as api_created_at",
      "apis.updated_at as api_updated_at",
      "identities.id as identity_id_found",
      "identities.external_id as identity_external_id",
      "identities.meta as identity_meta",
      "identities.ratelimits as identity_ratelimits",
      "identities.created_at as identity_created_at",
      "identities.updated_at as identity_updated_at",
    ])
    .select((eb) => [
      profile
        .jsonArrayFrom(
          eb
            .selectFrom("key_roles")
            .innerJoin("roles", "roles.id", "key_roles.role_id")
            .select(ROLE_COLUMNS.map((column) => `roles.${column}` as const))
            .whereRef("key_roles.key_id", "=", "keys.id")
            .whereRef("roles.workspace_id", "=", "keys.workspace_id")
            .orderBy("roles.id"),
        )
        .as("roles_json"),
      profile
        .jsonArrayFrom(
          eb
            .selectFrom("credits")
            .select(CREDIT_COLUMNS.map((column) => `credits.${column}` as const))
            .whereRef("credits.workspace_id", "=", "keys.workspace_id")
            .where("credits.owner_id", "in", [eb.ref("keys.id"), eb.ref("keys.identity_id")]),
        )
        .as("credits_json"),
    ])
    .where((eb) => ("hash" in by ? eb("keys.hash", "=", by.hash) : eb.and([eb("keys.id", "=", by.id), eb("keys.workspace_id", "=", by.workspaceId)])))
    .where("apis.deleted_at", "is", null);
}

type VerificationRow = InferResult<ReturnType<typeof verificationQuery>>[number];

/**
 * Both forms compiled once per database: building and compiling the query with kysely cost several times
 * what running it costs on SQLite. Compiled with sample values, each bound parameter is one of them
 * (checked), so a call only rebinds them.
 */
const SAMPLES = { hash: "\u0000hash", id: "\u0000id", workspaceId: "\u0000workspace" } as const;
const compiledQueries = new WeakMap<Kysely<Database>, { byHash: CompiledQuery<VerificationRow>; byId: CompiledQuery<VerificationRow> }>();

function compiledFor({ db, profile }: StoreContext, by: Lookup): CompiledQuery<VerificationRow> {
  let compiled = compiledQueries.get(db);
  if (compiled === undefined) {
    compiled = {
      byHash: verificationQuery(db, profile, { hash: SAMPLES.hash }).compile(),
      byId: verificationQuery(db, profile, { id: SAMPLES.id, workspaceId: SAMPLES.workspaceId }).compile(),
    };
    const samples: unknown[] = Object.values(SAMPLES);
    for (const query of Object.values(compiled)) {
      if (!query.parameters.every((parameter) => samples.includes(parameter))) throw new Error("verification query: a bound parameter that is not a lookup value");
    }
    for (const query of Object.values(compiled)) profile.keepPrepared(query.sql);
    compiledQueries.set(db, compiled);
  }
  const query = "hash" in by ? compiled.byHash : compiled.byId;
  const valueOf = (sample: unknown) => ("hash" in by ? by.hash : sample === SAMPLES.id ? by.id : by.workspaceId);
  return { ...query, parameters: query.parameters.map(valueOf) };
}

async function findKey(ctx: StoreContext, by: Lookup): Promise<VerifiableKey | null> {
  const { db, profile } = ctx;
  const { rows } = await db.executeQuery(compiledFor(ctx, by));
  const row = rows[0];
  if (!row) return null;

  const roles = (profile.json.decode(row.roles_json as string) as Selectable<RolesTable>[]).map((role) => toRole(profile, role));
  const credits = new Map<string, CreditsRecord>();
  for (const found of profile.json.decode(row.credits_json as string) as Selectable<CreditsTable>[]) credits.set(found.owner_id, toCredits(profile, found));
  const api = toApi(profile, {
    id: row.api_id,
    workspace_id: row.workspace_id,
    kind: row.api_kind,
    name: row.api_name,
    prefix: row.api_prefix,
    defaults: row.api_defaults,
    policy: row.api_policy,
    holds_imported_keys: row.api_holds_imported_keys,
    created_at: row.api_created_at,
    updated_at: row.api_updated_at,
    deleted_at: null,
  });
  const identity =
    row.identity_id_found === null
      ? null
      : toIdentity(
          profile,
          {
            id: row.identity_id_found,
            workspace_id: row.workspace_id,
            external_id: row.identity_external_id!,
            meta: row.identity_meta!,
            ratelimits: row.identity_ratelimits!,
            created_at: row.identity_created_at!,
            updated_at: row.identity_updated_at!,
          },
          credits.get(row.identity_id_found) ?? null,
        );
  const key = toKey(profile, row, roles.map((role) => role.id), credits.get(row.id) ?? null);
  return { key, api, identity, roles };
}
