// The tables as kysely sees them. Column value types are unions because each dialect stores times,
// booleans and JSON its own way; the dialect profile's codecs convert at the edge (dialect-profile.ts).
import type { ColumnType } from "kysely";

/** SQLite: integer milliseconds since the epoch. PostgreSQL: timestamptz (read back as Date). */
export type TimeValue = number | Date;
/** SQLite: 0/1. PostgreSQL: boolean. */
export type BoolValue = number | boolean;
/** Written as JSON text; SQLite reads text back, PostgreSQL (jsonb) reads parsed values. */
export type JsonValue = string | object;
/** A 64-bit whole number (counts, credits): PostgreSQL bigint arrives as a string from pg. */
export type CountValue = number | string | bigint;

export interface WorkspacesTable {
  id: string;
  name: string;
  created_at: TimeValue;
}

export interface ApisTable {
  id: string;
  workspace_id: string;
  kind: string;
  name: string;
  prefix: string;
  defaults: JsonValue;
  /** ApiPolicy; null (APIs from before 0005) reads as {}. */
  policy: JsonValue | null;
  created_at: TimeValue;
  updated_at: TimeValue;
  deleted_at: TimeValue | null;
}

export interface KeysTable {
  id: string;
  workspace_id: string;
  api_id: string;
  hash: string;
  start: string;
  environment: string;
  name: string | null;
  identity_id: string | null;
  permissions: JsonValue;
  enabled: BoolValue;
  expires_at: TimeValue | null;
  restrictions: JsonValue;
  meta: JsonValue;
  created_at: TimeValue;
  updated_at: TimeValue;
  last_used_at: TimeValue | null;
  verification_count: ColumnType<CountValue, CountValue | undefined, CountValue>;
  revoked_at: TimeValue | null;
  revoked_reason: string | null;
  ratelimits: JsonValue;
}

export interface KeyRolesTable {
  key_id: string;
  role_id: string;
}

export interface IdentitiesTable {
  id: string;
  workspace_id: string;
  external_id: string;
  meta: JsonValue;
  ratelimits: JsonValue;
  created_at: TimeValue;
  updated_at: TimeValue;
}

export interface RolesTable {
  id: string;
  workspace_id: string;
  name: string;
  description: string | null;
  permissions: JsonValue;
  created_at: TimeValue;
  updated_at: TimeValue;
}

export interface PermissionsTable {
  workspace_id: string;
  name: string;
  created_at: TimeValue;
}

/** One credit balance per owner; `owner_id` is a key id or an identity id, so it has no foreign key. */
export interface CreditsTable {
  owner_id: string;
  workspace_id: string;
  remaining: CountValue;
  refill: JsonValue | null;
  refilled_at: TimeValue | null;
  low_threshold: CountValue | null;
  low_at: TimeValue | null;
  updated_at: TimeValue;
}

export interface RateLimitOverridesTable {
  workspace_id: string;
  namespace: string;
  identifier: string;
  limit: CountValue;
  duration_ms: CountValue;
  created_at: TimeValue;
  updated_at: TimeValue;
}

export interface RetiredKeyHashesTable {
  hash: string;
  key_id: string;
  workspace_id: string;
  grace_ends_at: TimeValue;
}

/** `before_view`/`after_view` are text, not JSON: the chain commits to these exact bytes (canonical JSON). */
export interface AuditLogTable {
  workspace_id: string;
  seq: CountValue;
  id: string;
  occurred_at: TimeValue;
  actor_type: string;
  actor_id: string | null;
  action: string;
  target_type: string;
  target_id: string;
  before_view: string | null;
  after_view: string | null;
  request_id: string | null;
  source_ip: string | null;
  user_agent: string | null;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadsTable {
  workspace_id: string;
  seq: CountValue;
  hash: string;
}

export interface AuditCheckpointsTable {
  workspace_id: string;
  seq: CountValue;
  hash: string;
  at: TimeValue;
  key_id: string;
  signature: string;
}

export interface Database {
  workspaces: WorkspacesTable;
  apis: ApisTable;
  keys: KeysTable;
  key_roles: KeyRolesTable;
  retired_key_hashes: RetiredKeyHashesTable;
  identities: IdentitiesTable;
  roles: RolesTable;
  permissions: PermissionsTable;
  credits: CreditsTable;
  ratelimit_overrides: RateLimitOverridesTable;
  audit_log: AuditLogTable;
  audit_heads: AuditHeadsTable;
  audit_checkpoints: AuditCheckpointsTable;
}
