// What an audit entry shows of a changed object (its `before` and `after`): the public view, never a
// secret, a key hash, usage counters or the credit pool's bookkeeping (leases, refill and low marks).
import type { ApiRecord, CreditsRecord, IdentityRecord, KeyRecord, Meta, RoleRecord, Workspace } from "../core/index.js";
import type { RateLimitOverride, WebhookEndpoint } from "../storage/port.js";

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** Free JSON as JSON would store it (a number too large for a double is stored as null, and shown so). */
const json = (value: Meta | object) => JSON.parse(JSON.stringify(value)) as unknown;

/** `remaining` is what the database held at the change: credits leased to nodes and not yet spent are not in it. */
export function creditsView(credits: CreditsRecord | null) {
  return credits ? { remaining: credits.remaining, refill: credits.refill, lowThreshold: credits.lowThreshold } : null;
}

export function apiAuditView(api: ApiRecord) {
  return { id: api.id, name: api.name, prefix: api.prefix, defaults: json(api.defaults), policy: json(api.policy), createdAt: iso(api.createdAt), updatedAt: iso(api.updatedAt) };
}

export function keyAuditView(key: KeyRecord) {
  return {
    id: key.id,
    apiId: key.apiId,
    start: key.start,
    name: key.name,
    environment: key.environment,
    identityId: key.identityId,
    permissions: key.permissions,
    roleIds: key.roleIds,
    enabled: key.enabled,
    expiresAt: iso(key.expiresAt),
    restrictions: json(key.restrictions),
    meta: json(key.meta),
    ratelimits: json(key.ratelimits),
    credits: creditsView(key.credits),
    createdAt: iso(key.createdAt),
    updatedAt: iso(key.updatedAt),
    revokedAt: iso(key.revokedAt),
    revokedReason: key.revokedReason,
  };
}

export function rootKeyAuditView(key: KeyRecord) {
  return {
    id: key.id,
    start: key.start,
    name: key.name,
    permissions: key.permissions,
    createdAt: iso(key.createdAt),
    revokedAt: iso(key.revokedAt),
    revokedReason: key.revokedReason,
  };
}

export function identityAuditView(identity: IdentityRecord) {
  return {
    id: identity.id,
    externalId: identity.externalId,
    meta: json(identity.meta),
    ratelimits: json(identity.ratelimits),
    credits: creditsView(identity.credits),
    createdAt: iso(identity.createdAt),
    updatedAt: iso(identity.updatedAt),
  };
}

export function roleAuditView(role: RoleRecord) {
  return { id: role.id, name: role.name, description: role.description, permissions: role.permissions, createdAt: iso(role.createdAt), updatedAt: iso(role.updatedAt) };
}

export function workspaceAuditView(workspace: Workspace) {
  return { id: workspace.id, name: workspace.name, createdAt: iso(workspace.createdAt) };
}

export function overrideAuditView(override: RateLimitOverride) {
  return {
    namespace: override.namespace,
    identifier: override.identifier,
    limit: override.limit,
    durationMs: override.durationMs,
    createdAt: iso(override.createdAt),
    updatedAt: iso(override.updatedAt),
  };
}

/** Overrides have no id: namespaces cannot contain "/", so this names one unambiguously. */
export function overrideTargetId(namespace: string, identifier: string): string {
  return `${namespace}/${identifier}`;
}

/** A webhook endpoint without its signing secrets. */
export function webhookAuditView(endpoint: WebhookEndpoint) {
  return {
    id: endpoint.id,
    url: endpoint.url,
    events: endpoint.events,
    enabled: endpoint.enabled,
    disabledReason: endpoint.disabledReason,
    previousSecretExpiresAt: iso(endpoint.previousSecretExpiresAt),
    createdAt: endpoint.createdAt.toISOString(),
    updatedAt: endpoint.updatedAt.toISOString(),
  };
}
