// Records → JSON views (camelCase, ISO 8601 times). Never includes a hash or a secret.
import type { ApiRecord, IdentityRecord, KeyRecord, RoleRecord, Workspace } from "../core/index.js";
import type { KeyView } from "../services/index.js";

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function apiView(api: ApiRecord) {
  return { id: api.id, name: api.name, prefix: api.prefix, defaults: api.defaults, createdAt: api.createdAt.toISOString(), updatedAt: api.updatedAt.toISOString() };
}

export function keyView({ key, roles }: KeyView) {
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
    restrictions: key.restrictions,
    meta: key.meta,
    createdAt: key.createdAt.toISOString(),
    updatedAt: key.updatedAt.toISOString(),
    lastUsedAt: iso(key.lastUsedAt),
    verificationCount: key.verificationCount,
    revokedAt: iso(key.revokedAt),
    revokedReason: key.revokedReason,
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

export function identityView(identity: IdentityRecord) {
  return {
    id: identity.id,
    externalId: identity.externalId,
    meta: identity.meta,
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
