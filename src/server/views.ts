// Records → JSON views (camelCase, ISO 8601 times). Never includes a hash or a secret.
import type { ApiRecord, CreditsRecord, KeyRecord, RoleRecord, Workspace } from "../core/index.js";
import type { IdentityView, KeyView } from "../services/index.js";

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function apiView(api: ApiRecord) {
  return {
    id: api.id,
    name: api.name,
    prefix: api.prefix,
    defaults: api.defaults,
    policy: api.policy,
    importedKeys: api.holdsImportedKeys === true,
    createdAt: api.createdAt.toISOString(),
    updatedAt: api.updatedAt.toISOString(),
  };
}

/** `remaining` includes leased credits not yet spent (the pool), so it is what a caller can still use. */
function creditsView(credits: CreditsRecord | null, remaining: number | null) {
  if (!credits) return null;
  return { remaining: remaining ?? credits.remaining, refill: credits.refill, refilledAt: iso(credits.refilledAt), lowThreshold: credits.lowThreshold };
}

export function keyView({ key, roles, creditsRemaining }: KeyView) {
  return {
    id: key.id,
    apiId: key.apiId,
    start: key.start,
    name: key.name,
    environment: key.environment,
    identityId: key.identityId,
    permissions: key.permissions,
    roles: roles.map((role) => ({ id: role.id, name: role.name })),
    enabled: key.enabled,
    expiresAt: iso(key.expiresAt),
    rotatedAt: iso(key.rotatedAt ?? null),
    rotationDueAt: iso(key.rotationDueAt ?? null),
    restrictions: key.restrictions,
    meta: key.meta,
    createdAt: key.createdAt.toISOString(),
    updatedAt: key.updatedAt.toISOString(),
    lastUsedAt: iso(key.lastUsedAt),
    verificationCount: key.verificationCount,
    revokedAt: iso(key.revokedAt),
    revokedReason: key.revokedReason,
    ratelimits: key.ratelimits,
    credits: creditsView(key.credits, creditsRemaining),
  };
}

export function rootKeyView(key: KeyRecord) {
  return {
    id: key.id,
    start: key.start,
    name: key.name,
    permissions: key.permissions,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: iso(key.lastUsedAt),
    revokedAt: iso(key.revokedAt),
  };
}

export function workspaceView(workspace: Workspace) {
  return { id: workspace.id, name: workspace.name, createdAt: workspace.createdAt.toISOString() };
}

export function identityView({ identity, creditsRemaining }: IdentityView) {
  return {
    id: identity.id,
    externalId: identity.externalId,
    meta: identity.meta,
    ratelimits: identity.ratelimits,
    credits: creditsView(identity.credits, creditsRemaining),
    createdAt: identity.createdAt.toISOString(),
    updatedAt: identity.updatedAt.toISOString(),
  };
}

export function roleView(role: RoleRecord) {
  return {
    id: role.id,
    name: role.name,
    description: role.description,
    permissions: role.permissions,
    createdAt: role.createdAt.toISOString(),
    updatedAt: role.updatedAt.toISOString(),
  };
}
