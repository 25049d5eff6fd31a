// The verification read (cache misses only): key, API and identity in one joined query, then roles and the
// credits of key and identity in two more that run side by side.
import type { VerifiableKey } from "../../core/index.js";
import type { StoreContext } from "./context.js";
import { creditsOf } from "./owner-credits.js";
import { toApi, toIdentity, toKey, toRole } from "./row-mappers.js";

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

async function findKey(ctx: StoreContext, by: { hash: string } | { id: string; workspaceId: string }): Promise<VerifiableKey | null> {
  const { db, profile } = ctx;
  // Join conditions repeat the workspace so that a row pointing across workspaces is never followed.
  const row = await db
    .selectFrom("keys")
    .innerJoin("apis", (join) => join.onRef("apis.id", "=", "keys.api_id").onRef("apis.workspace_id", "=", "keys.workspace_id"))
    .leftJoin("identities", (join) =>
      join.onRef("identities.id", "=", "keys.identity_id").onRef("identities.workspace_id", "=", "keys.workspace_id"),
    )
    .selectAll("keys")
    .select([
      "apis.kind as api_kind",
      "apis.name as api_name",
      "apis.prefix as api_prefix",
      "apis.defaults as api_defaults",
      "apis.policy as api_policy",
      "apis.created_at as api_created_at",
      "apis.updated_at as api_updated_at",
      "identities.id as identity_id_found",
      "identities.external_id as identity_external_id",
      "identities.meta as identity_meta",
      "identities.ratelimits as identity_ratelimits",
      "identities.created_at as identity_created_at",
      "identities.updated_at as identity_updated_at",
    ])
    .where((eb) => ("hash" in by ? eb("keys.hash", "=", by.hash) : eb.and([eb("keys.id", "=", by.id), eb("keys.workspace_id", "=", by.workspaceId)])))
    .where("apis.deleted_at", "is", null)
    .executeTakeFirst();
  if (!row) return null;

  const owners = row.identity_id_found === null ? [row.id] : [row.id, row.identity_id_found];
  const [roleRows, credits] = await Promise.all([
    db
      .selectFrom("key_roles")
      .innerJoin("roles", "roles.id", "key_roles.role_id")
      .selectAll("roles")
      .where("key_roles.key_id", "=", row.id)
      .where("roles.workspace_id", "=", row.workspace_id)
      .orderBy("roles.id")
      .execute(),
    creditsOf(ctx, row.workspace_id, owners),
  ]);
  const roles = roleRows.map((role) => toRole(profile, role));

  const api = toApi(profile, {
    id: row.api_id,
    workspace_id: row.workspace_id,
    kind: row.api_kind,
    name: row.api_name,
    prefix: row.api_prefix,
    defaults: row.api_defaults,
    policy: row.api_policy,
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
