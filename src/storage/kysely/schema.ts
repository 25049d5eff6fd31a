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
/** A nullable time column that inserts may leave out (columns added after the table's first release). */
export type OptionalTime = ColumnType<TimeValue | null, TimeValue | null | undefined, TimeValue | null>;

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
  /** Set by the first import into the API (0008): only then are keys outside Keyward's format looked up. */
  holds_imported_keys: ColumnType<BoolValue, BoolValue | undefined, BoolValue>;
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
  /** When the key came in through an import (0008); null for keys Keyward issued. */
  imported_at: ColumnType<TimeValue | null, TimeValue | null | undefined, TimeValue | null>;
  /** When the current secret was issued by a rotation (0007); null: never rotated. */
  rotated_at: OptionalTime;
  /** Marks of the lifecycle sweeper (0007): the due date or expiry announced; reset when it changes. */
  expiring_announced_for: OptionalTime;
  rotation_announced_for: OptionalTime;
  expired_announced_for: OptionalTime;
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
  /** When `key.grace_end` was recorded for this secret (0007). */
  grace_end_announced_at: OptionalTime;
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

/**
 * Webhook endpoints (0006). `secret`/`previous_secret`: signing needs the secrets themselves, so they are
 * sealed (AES-256-GCM, `sealed:v1:…`) under KEYWARD_SECRETS_KEY when one is configured, else plaintext.
 */
export interface WebhookEndpointsTable {
  id: string;
  workspace_id: string;
  url: string;
  events: JsonValue;
  enabled: BoolValue;
  disabled_reason: string | null;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: TimeValue | null;
  created_at: TimeValue;
  updated_at: TimeValue;
}

/** The webhook outbox: one row per (event, endpoint); `id` is the stable `webhook-id`. */
export interface WebhookDeliveriesTable {
  id: string;
  workspace_id: string;
  endpoint_id: string;
  event_type: string;
  payload: string;
  status: string;
  attempts: number;
  next_attempt_at: TimeValue | null;
  claimed_until: TimeValue | null;
  claim_token: string | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: TimeValue;
  delivered_at: TimeValue | null;
}

export interface WebhookAttemptsTable {
  delivery_id: string;
  attempt: number;
  at: TimeValue;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

/** One row (id = 1) once the install has been bootstrapped (migration 0009). */
export interface InstallClaimTable {
  id: number;
  claimed_at: TimeValue;
}

export interface Database {
  install_claim: InstallClaimTable;
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
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
}
