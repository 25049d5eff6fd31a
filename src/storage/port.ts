// The storage port: what services need from a database. Adapters (SQLite, PostgreSQL) implement it and
// pass one contract suite (test/storage/). Workspace scoping is part of every signature: a record of
// another workspace is simply not found.
import type {
  CreditRefill,
  CreditsRecord,
  RateLimitConfig,
  ApiDefaults,
  ApiPolicy,
  ApiKind,
  ApiRecord,
  IdentityRecord,
  KeyEnvironment,
  KeyRecord,
  Meta,
  Restrictions,
  RoleRecord,
  VerifiableKey,
  Workspace,
} from "../core/index.js";
import type { AuditStore } from "./audit-port.js";

export type { AuditFilter, AuditPageRequest, AuditStore } from "./audit-port.js";

export interface Page<T> {
  items: T[];
  /** Id of the last item when more may follow; pass it back as `after`. */
  nextCursor: string | null;
}

export interface PageRequest {
  /** 1..100 */
  limit: number;
  /** Return items with id strictly greater than this (ids are time-ordered). */
  after?: string;
}

/** A unique constraint refused a write (e.g. an identity's externalId, a role's name). */
export class StoreConflictError extends Error {
  constructor(readonly field: string) {
    super(`unique constraint on ${field}`);
    this.name = "StoreConflictError";
  }
}

export interface NewApi {
  id: string;
  workspaceId: string;
  kind: ApiKind;
  name: string;
  prefix: string;
  defaults: ApiDefaults;
  /** Default {}. */
  policy?: ApiPolicy;
  now: Date;
}

export interface ApiPatch {
  name?: string;
  defaults?: ApiDefaults;
  /** Replaces the whole policy. */
  policy?: ApiPolicy;
}

export interface ApiStore {
  create(api: NewApi): Promise<ApiRecord>;
  /** Deleted APIs are not found. */
  get(workspaceId: string, apiId: string): Promise<ApiRecord | null>;
  /** Only `customer` APIs; the root API is reserved. */
  list(workspaceId: string, page: PageRequest): Promise<Page<ApiRecord>>;
  /** The workspace's reserved root-key API. */
  getRootApi(workspaceId: string): Promise<ApiRecord | null>;
  update(workspaceId: string, apiId: string, patch: ApiPatch, now: Date): Promise<ApiRecord | null>;
  /** Soft delete: the API and all its keys stop being found. Returns false when not found. */
  delete(workspaceId: string, apiId: string, now: Date): Promise<boolean>;
}

export interface NewKey {
  id: string;
  workspaceId: string;
  apiId: string;
  hash: string;
  start: string;
  environment: KeyEnvironment;
  name: string | null;
  identityId: string | null;
  permissions: string[];
  roleIds: string[];
  enabled: boolean;
  expiresAt: Date | null;
  restrictions: Restrictions;
  meta: Meta;
  /** Default []. */
  ratelimits?: RateLimitConfig[];
  now: Date;
}

export interface KeyPatch {
  name?: string | null;
  identityId?: string | null;
  permissions?: string[];
  roleIds?: string[];
  enabled?: boolean;
  expiresAt?: Date | null;
  restrictions?: Restrictions;
  meta?: Meta;
  ratelimits?: RateLimitConfig[];
}

export interface KeyFilter {
  apiId?: string;
  identityId?: string;
  /** Only keys of APIs of this kind (customer listings must never show root keys). */
  kind?: ApiKind;
}

export interface KeyUsage {
  keyId: string;
  lastUsedAt: Date;
  /** Verifications since the last flush, added to the stored count. */
  verifications: number;
}

export interface KeyStore {
  /** Also registers the permission names in the workspace's permission catalogue. */
  create(key: NewKey): Promise<KeyRecord>;
  /** Keys of deleted APIs are not found. */
  get(workspaceId: string, keyId: string): Promise<KeyRecord | null>;
  list(workspaceId: string, filter: KeyFilter, page: PageRequest): Promise<Page<KeyRecord>>;
  update(workspaceId: string, keyId: string, patch: KeyPatch, now: Date): Promise<KeyRecord | null>;
  /** Sets revokedAt/revokedReason once; revoking again keeps the first revocation. */
  revoke(workspaceId: string, keyId: string, reason: string | null, now: Date): Promise<KeyRecord | null>;
  /**
   * One read of everything verification needs, by SHA-256 hex of the current secret or of one a rotation
   * retired (then `graceEndsAt` is set); null when unknown or its API is deleted.
   */
  findForVerification(hash: string): Promise<VerifiableKey | null>;
  /**
   * New secret for the same key record (same id, permissions, limits, credits, usage). The old secret's
   * hash is honoured until `graceEndsAt` (= now: refused at once, as EXPIRED). Null when not found or revoked.
   */
  rotate(workspaceId: string, keyId: string, next: { hash: string; start: string }, graceEndsAt: Date, now: Date): Promise<KeyRecord | null>;
  /** Write-behind of lastUsedAt (kept at the max) and verification counts; unknown ids are ignored. */
  recordUsage(usage: KeyUsage[]): Promise<void>;
}

export interface NewIdentity {
  id: string;
  workspaceId: string;
  externalId: string;
  meta: Meta;
  /** Default []. */
  ratelimits?: RateLimitConfig[];
  now: Date;
}

export interface IdentityStore {
  /** Throws StoreConflictError("externalId") when the workspace has it already. */
  create(identity: NewIdentity): Promise<IdentityRecord>;
  get(workspaceId: string, identityId: string): Promise<IdentityRecord | null>;
  getByExternalId(workspaceId: string, externalId: string): Promise<IdentityRecord | null>;
  list(workspaceId: string, page: PageRequest): Promise<Page<IdentityRecord>>;
  /** Throws StoreConflictError("externalId") on a taken externalId. */
  update(
    workspaceId: string,
    identityId: string,
    patch: { externalId?: string; meta?: Meta; ratelimits?: RateLimitConfig[] },
    now: Date,
  ): Promise<IdentityRecord | null>;
  /** Keys of the identity keep existing with identityId = null; the identity's credits row goes too. */
  delete(workspaceId: string, identityId: string): Promise<boolean>;
}

export interface NewRole {
  id: string;
  workspaceId: string;
  name: string;
  description: string | null;
  permissions: string[];
  now: Date;
}

export interface RoleStore {
  /** Throws StoreConflictError("name"). Registers the permission names in the catalogue. */
  create(role: NewRole): Promise<RoleRecord>;
  get(workspaceId: string, roleId: string): Promise<RoleRecord | null>;
  /** All of the ids must exist in the workspace; returns the ones that do. */
  getMany(workspaceId: string, roleIds: string[]): Promise<RoleRecord[]>;
  list(workspaceId: string, page: PageRequest): Promise<Page<RoleRecord>>;
  update(
    workspaceId: string,
    roleId: string,
    patch: { name?: string; description?: string | null; permissions?: string[] },
    now: Date,
  ): Promise<RoleRecord | null>;
  /** Detaches the role from every key. */
  delete(workspaceId: string, roleId: string): Promise<boolean>;
}

export interface CreditsConfig {
  workspaceId: string;
  /** A key id or an identity id. */
  ownerId: string;
  remaining: number;
  refill: CreditRefill | null;
  lowThreshold: number | null;
  now: Date;
}

/**
 * Durable credit balances, one row per owner (key or identity). Every change is one guarded atomic
 * statement, so concurrent nodes can never take the same credits twice.
 */
export interface CreditStore {
  get(workspaceId: string, ownerId: string): Promise<CreditsRecord | null>;
  /** Creates or replaces the owner's credits; sets refilledAt = now and clears lowAt. */
  set(config: CreditsConfig): Promise<CreditsRecord>;
  /** Changes refill and/or lowThreshold only. Null when the owner has no credits. */
  configure(
    workspaceId: string,
    ownerId: string,
    patch: { refill?: CreditRefill | null; lowThreshold?: number | null },
    now: Date,
  ): Promise<CreditsRecord | null>;
  /** Removes the owner's credits (unlimited again). False when there were none. */
  remove(workspaceId: string, ownerId: string): Promise<boolean>;
  /** Adds `delta` (negative subtracts; never below 0); clears lowAt when the result exceeds lowThreshold. */
  adjust(workspaceId: string, ownerId: string, delta: number, now: Date): Promise<CreditsRecord | null>;
  /** Atomically takes min(want, remaining) and returns what was taken (0 when none or no row). */
  lease(ownerId: string, want: number): Promise<{ granted: number; remaining: number }>;
  /** Returns unspent leased credits. */
  giveBack(ownerId: string, amount: number): Promise<void>;
  /**
   * Sets remaining = amount and refilledAt = boundary only if refilledAt is null or before boundary.
   * True when this call refilled (exactly one of several racing nodes gets true).
   */
  refill(ownerId: string, amount: number, boundary: Date): Promise<boolean>;
  /** Records lowAt = at only if it is null. True when this call recorded it. */
  markLow(ownerId: string, at: Date): Promise<boolean>;
}

/** Per-identifier overrides of the standalone limiter (`POST /v1/ratelimit`). */
export interface RateLimitOverride {
  workspaceId: string;
  namespace: string;
  identifier: string;
  limit: number;
  durationMs: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface RateLimitOverrideStore {
  /** Creates or replaces. */
  put(override: { workspaceId: string; namespace: string; identifier: string; limit: number; durationMs: number; now: Date }): Promise<RateLimitOverride>;
  get(workspaceId: string, namespace: string, identifier: string): Promise<RateLimitOverride | null>;
  /** Paged by identifier ascending; `after` is an identifier. */
  list(workspaceId: string, namespace: string, page: PageRequest): Promise<Page<RateLimitOverride>>;
  delete(workspaceId: string, namespace: string, identifier: string): Promise<boolean>;
}

export interface WorkspaceStore {
  create(workspace: { id: string; name: string; now: Date }): Promise<Workspace>;
  get(workspaceId: string): Promise<Workspace | null>;
  count(): Promise<number>;
}

export interface PermissionStore {
  /** Every permission name used by a key or role of the workspace, sorted. */
  list(workspaceId: string): Promise<string[]>;
}

export interface StoreCapabilities {
  /** The database can push change notifications to other nodes (PostgreSQL LISTEN/NOTIFY). */
  notifications: boolean;
  /** Several processes may share this database. */
  sharedAcrossProcesses: boolean;
}

export interface Store {
  readonly capabilities: StoreCapabilities;
  readonly workspaces: WorkspaceStore;
  readonly apis: ApiStore;
  readonly keys: KeyStore;
  readonly identities: IdentityStore;
  readonly roles: RoleStore;
  readonly permissions: PermissionStore;
  readonly credits: CreditStore;
  readonly rateLimitOverrides: RateLimitOverrideStore;
  /** The audit log; services append to it inside the transaction of the change. */
  readonly audit: AuditStore;
  /** Runs `work` in one database transaction; the store it receives writes inside it. */
  transaction<T>(work: (store: Store) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
