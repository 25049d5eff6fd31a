// Rows to domain records: decodes the dialect's stored times, booleans and JSON into plain values.
import type { Selectable } from "kysely";
import type {
  ApiDefaults,
  ApiPolicy,
  ApiKind,
  ApiRecord,
  CreditRefill,
  CreditsRecord,
  IdentityRecord,
  KeyEnvironment,
  KeyRecord,
  Meta,
  RateLimitConfig,
  Restrictions,
  RoleRecord,
  Workspace,
} from "../../core/index.js";
import type { RateLimitOverride } from "../port.js";
import type { DialectProfile } from "./dialect-profile.js";
import type {
  ApisTable,
  CountValue,
  CreditsTable,
  IdentitiesTable,
  KeysTable,
  RateLimitOverridesTable,
  RolesTable,
  TimeValue,
  WorkspacesTable,
} from "./schema.js";

function time(profile: DialectProfile, stored: TimeValue): Date {
  return profile.time.decode(stored);
}

function optionalTime(profile: DialectProfile, stored: TimeValue | null): Date | null {
  return stored === null ? null : profile.time.decode(stored);
}

function optionalNumber(stored: CountValue | null): number | null {
  return stored === null ? null : Number(stored);
}

export function toWorkspace(profile: DialectProfile, row: Selectable<WorkspacesTable>): Workspace {
  return { id: row.id, name: row.name, createdAt: time(profile, row.created_at) };
}

export function toApi(profile: DialectProfile, row: Selectable<ApisTable>): ApiRecord {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    kind: row.kind as ApiKind,
    name: row.name,
    prefix: row.prefix,
    defaults: profile.json.decode(row.defaults) as ApiDefaults,
    policy: row.policy === null ? {} : (profile.json.decode(row.policy) as ApiPolicy),
    // Absent rather than false, so records of APIs without imports read as they always did.
    ...(row.holds_imported_keys !== undefined && profile.bool.decode(row.holds_imported_keys) && { holdsImportedKeys: true as const }),
    createdAt: time(profile, row.created_at),
    updatedAt: time(profile, row.updated_at),
  };
}

export function toKey(
  profile: DialectProfile,
  row: Selectable<KeysTable>,
  roleIds: string[],
  credits: CreditsRecord | null,
): KeyRecord {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    apiId: row.api_id,
    hash: row.hash,
    start: row.start,
    environment: row.environment as KeyEnvironment,
    name: row.name,
    identityId: row.identity_id,
    permissions: profile.json.decode(row.permissions) as string[],
    roleIds,
    enabled: profile.bool.decode(row.enabled),
    expiresAt: optionalTime(profile, row.expires_at),
    restrictions: profile.json.decode(row.restrictions) as Restrictions,
    meta: profile.json.decode(row.meta) as Meta,
    createdAt: time(profile, row.created_at),
    updatedAt: time(profile, row.updated_at),
    lastUsedAt: optionalTime(profile, row.last_used_at),
    verificationCount: Number(row.verification_count),
    revokedAt: optionalTime(profile, row.revoked_at),
    revokedReason: row.revoked_reason,
    ratelimits: profile.json.decode(row.ratelimits) as RateLimitConfig[],
    credits,
    ...(row.imported_at != null && { importedAt: time(profile, row.imported_at) }),
    ...(row.rotated_at != null && { rotatedAt: time(profile, row.rotated_at) }),
  };
}

export function toIdentity(profile: DialectProfile, row: Selectable<IdentitiesTable>, credits: CreditsRecord | null): IdentityRecord {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    externalId: row.external_id,
    meta: profile.json.decode(row.meta) as Meta,
    ratelimits: profile.json.decode(row.ratelimits) as RateLimitConfig[],
    credits,
    createdAt: time(profile, row.created_at),
    updatedAt: time(profile, row.updated_at),
  };
}

export function toRole(profile: DialectProfile, row: Selectable<RolesTable>): RoleRecord {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    description: row.description,
    permissions: profile.json.decode(row.permissions) as string[],
    createdAt: time(profile, row.created_at),
    updatedAt: time(profile, row.updated_at),
  };
}

export function toCredits(profile: DialectProfile, row: Selectable<CreditsTable>): CreditsRecord {
  return {
    ownerId: row.owner_id,
    workspaceId: row.workspace_id,
    // pg returns bigint as a string; balances stay far below 2^53.
    remaining: Number(row.remaining),
    refill: row.refill === null ? null : (profile.json.decode(row.refill) as CreditRefill),
    refilledAt: optionalTime(profile, row.refilled_at),
    lowThreshold: optionalNumber(row.low_threshold),
    lowAt: optionalTime(profile, row.low_at),
    updatedAt: time(profile, row.updated_at),
  };
}

export function toRateLimitOverride(profile: DialectProfile, row: Selectable<RateLimitOverridesTable>): RateLimitOverride {
  return {
    workspaceId: row.workspace_id,
    namespace: row.namespace,
    identifier: row.identifier,
    limit: Number(row.limit),
    durationMs: Number(row.duration_ms),
    createdAt: time(profile, row.created_at),
    updatedAt: time(profile, row.updated_at),
  };
}
