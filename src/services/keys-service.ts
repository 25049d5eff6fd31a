// Customer keys: create (the only time the secret exists), read, list, update, revoke.
import {
  createId,
  generateKey,
  type KeyEnvironment,
  type KeyRecord,
  type Meta,
  type Restrictions,
  type RoleRecord,
} from "../core/index.js";
import { KeywardError } from "../errors/index.js";
import type { Actor } from "../auth/index.js";
import { identityAuditView, keyAuditView } from "../audit/audit-views.js";
import type { IdentityRecord } from "../core/index.js";
import type { KeyPatch, Store } from "../storage/port.js";
import { getApi } from "./apis-service.js";
import { recordChange, type ChangeActor } from "./audit-trail.js";
import type { ServiceContext } from "./context.js";
import { resolveIdentity } from "./identity-refs.js";
import { checkMeta, checkPermissionNames, checkRestrictions, parseExpiry } from "./input-checks.js";
import { checkNewExpiry, expiryOfNewKey } from "./lifetime-checks.js";
import { mapPage, toPageRequest, type PageQuery } from "./pagination.js";
import { creditsRemaining, patchCredits, setCredits, type CreditsInput, type CreditsPatch } from "./credits-service.js";
import { checkRateLimits, withDefaults, type RateLimitInput } from "./ratelimit-checks.js";
import { resolveRoles, rolesById } from "./role-refs.js";

export interface KeyView {
  key: KeyRecord;
  roles: RoleRecord[];
  /** Store balance plus the pool's, when the key has credits. */
  creditsRemaining: number | null;
}

export interface CreateKeyInput {
  apiId: string;
  name?: string;
  environment?: KeyEnvironment;
  identityId?: string;
  externalId?: string;
  permissions?: string[];
  roles?: string[];
  enabled?: boolean;
  expiresAt?: string | null;
  restrictions?: Restrictions;
  meta?: Meta;
  ratelimits?: RateLimitInput[];
  credits?: CreditsInput | null;
}

/** Audit entries of identities a key's externalId created on first use. */
export async function recordCreatedIdentities(ctx: ServiceContext, store: Store, actor: ChangeActor, identities: IdentityRecord[]): Promise<void> {
  for (const identity of identities) {
    await recordChange(ctx, store, actor, { action: "identity.create", targetId: identity.id, after: identityAuditView(identity) });
  }
}

export async function createKey(ctx: ServiceContext, actor: ChangeActor, input: CreateKeyInput): Promise<KeyView & { secret: string }> {
  const api = await getApi(ctx, actor, input.apiId);
  const now = ctx.now();
  checkPermissionNames(input.permissions, "/body/permissions");
  checkRestrictions(input.restrictions, "/body/restrictions");
  checkMeta(input.meta, "/body/meta");
  checkRateLimits(input.ratelimits, "/body/ratelimits");
  const expiresAt = expiryOfNewKey(api, parseExpiry(input.expiresAt, now, "/body/expiresAt"), now, "/body/expiresAt");
  const environment = input.environment ?? api.defaults.environment ?? "live";
  const generated = generateKey(api.prefix, environment, ctx.random);
  return ctx.store.transaction(async (store) => {
    const roles = await resolveRoles(store, actor.workspaceId, input.roles ?? [], "/body/roles");
    const createdIdentities: IdentityRecord[] = [];
    const identity = await resolveIdentity(store, actor.workspaceId, input, now, ctx.random, createdIdentities);
    const key = await store.keys.create({
      id: createId("key", now, ctx.random),
      workspaceId: actor.workspaceId,
      apiId: api.id,
      hash: generated.hash,
      start: generated.start,
      environment,
      name: input.name ?? null,
      identityId: identity?.id ?? null,
      permissions: input.permissions ?? [],
      roleIds: roles.map((role) => role.id),
      enabled: input.enabled ?? true,
      expiresAt,
      restrictions: input.restrictions ?? {},
      meta: input.meta ?? {},
      ratelimits: withDefaults(input.ratelimits) ?? [],
      now,
    });
    if (input.credits) await setCredits(ctx, store, actor.workspaceId, key.id, input.credits);
    ctx.cache.delete(generated.hash);
    const created = input.credits ? ((await store.keys.get(actor.workspaceId, key.id)) ?? key) : key;
    await recordCreatedIdentities(ctx, store, actor, createdIdentities);
    await recordChange(ctx, store, actor, { action: "key.create", targetId: key.id, after: keyAuditView(created) });
    return { key: created, roles, secret: generated.key, creditsRemaining: created.credits?.remaining ?? null };
  });
}

export async function toKeyView(ctx: ServiceContext, key: KeyRecord, roles: ReadonlyMap<string, RoleRecord>): Promise<KeyView> {
  return { key, roles: key.roleIds.map((id) => roles.get(id)!).filter(Boolean), creditsRemaining: await creditsRemaining(ctx, key.credits) };
}

/** A customer key of the caller's workspace; root keys and other workspaces' keys are not found. */
export async function findKeyRecord(store: Store, actor: Actor, keyId: string): Promise<KeyRecord> {
  const key = await store.keys.get(actor.workspaceId, keyId);
  const api = key ? await store.apis.get(actor.workspaceId, key.apiId) : null;
  if (!key || !api || api.kind !== "customer") throw new KeywardError("KEY_NOT_FOUND", `No key ${keyId} in this workspace.`);
  return key;
}

export function getKeyRecord(ctx: ServiceContext, actor: Actor, keyId: string): Promise<KeyRecord> {
  return findKeyRecord(ctx.store, actor, keyId);
}

export async function getKey(ctx: ServiceContext, actor: Actor, keyId: string): Promise<KeyView> {
  const key = await getKeyRecord(ctx, actor, keyId);
  return toKeyView(ctx, key, await rolesById(ctx.store, actor.workspaceId, key.roleIds));
}

export async function listKeys(ctx: ServiceContext, actor: Actor, query: PageQuery & { apiId?: string; identityId?: string; expiringWithin?: number }) {
  if (query.apiId) await getApi(ctx, actor, query.apiId);
  const now = ctx.now();
  const page = await ctx.store.keys.list(
    actor.workspaceId,
    {
      ...(query.apiId ? { apiId: query.apiId } : {}),
      ...(query.identityId ? { identityId: query.identityId } : {}),
      ...(query.expiringWithin !== undefined ? { dueBy: { now, until: new Date(now.getTime() + query.expiringWithin * 1000) } } : {}),
      kind: "customer",
    },
    toPageRequest(query),
  );
  const roles = await rolesById(ctx.store, actor.workspaceId, page.items.flatMap((key) => key.roleIds));
  const views = await Promise.all(page.items.map((key) => toKeyView(ctx, key, roles)));
  return mapPage({ items: views, nextCursor: page.nextCursor }, (view) => view);
}

export interface UpdateKeyInput {
  name?: string | null;
  identityId?: string | null;
  externalId?: string;
  permissions?: string[];
  roles?: string[];
  enabled?: boolean;
  expiresAt?: string | null;
  restrictions?: Restrictions;
  meta?: Meta;
  ratelimits?: RateLimitInput[];
  credits?: CreditsPatch | null;
}

export async function updateKey(ctx: ServiceContext, actor: ChangeActor, keyId: string, input: UpdateKeyInput): Promise<KeyView> {
  const existing = await getKeyRecord(ctx, actor, keyId);
  const now = ctx.now();
  checkPermissionNames(input.permissions, "/body/permissions");
  checkRestrictions(input.restrictions, "/body/restrictions");
  checkMeta(input.meta, "/body/meta");
  checkRateLimits(input.ratelimits, "/body/ratelimits");
  const parsedExpiry = parseExpiry(input.expiresAt, now, "/body/expiresAt");
  const expiresAt = parsedExpiry === undefined ? undefined : checkNewExpiry(await getApi(ctx, actor, existing.apiId), parsedExpiry, now, "/body/expiresAt");
  const view = await ctx.store.transaction(async (store) => {
    const before = await findKeyRecord(store, actor, keyId);
    const createdIdentities: IdentityRecord[] = [];
    const patch: KeyPatch = {};
    if (input.name !== undefined) patch.name = input.name;
    if (input.permissions !== undefined) patch.permissions = input.permissions;
    if (input.enabled !== undefined) patch.enabled = input.enabled;
    if (expiresAt !== undefined) patch.expiresAt = expiresAt;
    if (input.restrictions !== undefined) patch.restrictions = input.restrictions;
    if (input.meta !== undefined) patch.meta = input.meta;
    if (input.ratelimits !== undefined) patch.ratelimits = withDefaults(input.ratelimits)!;
    let roles: RoleRecord[] | undefined;
    if (input.roles !== undefined) {
      roles = await resolveRoles(store, actor.workspaceId, input.roles, "/body/roles");
      patch.roleIds = roles.map((role) => role.id);
    }
    if (input.identityId === null) patch.identityId = null;
    else if (input.identityId !== undefined || input.externalId !== undefined) {
      patch.identityId = (await resolveIdentity(store, actor.workspaceId, input, now, ctx.random, createdIdentities))?.id ?? null;
    }
    if (input.credits !== undefined) await patchCredits(ctx, store, actor.workspaceId, keyId, input.credits);
    const key = await store.keys.update(actor.workspaceId, keyId, patch, now);
    if (!key) throw new KeywardError("KEY_NOT_FOUND", `No key ${keyId} in this workspace.`);
    await recordCreatedIdentities(ctx, store, actor, createdIdentities);
    await recordChange(ctx, store, actor, { action: "key.update", targetId: keyId, before: keyAuditView(before), after: keyAuditView(key) });
    const byId = roles ? new Map(roles.map((role) => [role.id, role])) : await rolesById(store, actor.workspaceId, key.roleIds);
    return toKeyView(ctx, key, byId);
  });
  await ctx.invalidation.key(keyId);
  return view;
}
