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
import type { LifecycleStore } from "./lifecycle-port.js";
import type { WebhookStore } from "./webhooks-port.js";

export type { AuditFilter, AuditPageRequest, AuditStore } from "./audit-port.js";
export type { DueKey, EndedGrace, LifecycleStore, RotationDueKey } from "./lifecycle-port.js";
export type * from "./webhooks-port.js";

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
  /** Marks the API as holding imported keys (for good). True when this call set the mark. */
  markHoldsImportedKeys(workspaceId: string, apiId: string): Promise<boolean>;
  /** The live APIs of every workspace that hold imported keys: what the verifier loads at start. */
  listHoldingImportedKeys(): Promise<Array<{ apiId: string; workspaceId: string }>>;
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
  /**
   * Only keys needing attention by `until`, not revoked: expiring in (now, until] (already expired ones
   * are not listed), or due for rotation by `until` under their API's current rotation period (overdue
   * ones too, while not expired).
   */
  dueBy?: { now: Date; until: Date };
}

export interface KeyUsage {
  keyId: string;
  lastUsedAt: Date;
  /** Verifications since the last flush, added to the stored count. */
  verifications: number;
}

/** Whose secret a hash already is (a current one, or one a rotation retired). */
export interface HashOwner {
  hash: string;
  keyId: string;
  workspaceId: string;
  apiId: string;
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
  /**
   * A leaked key's containment as one guarded write: `revoke` (as `revoke` does) or `disable` (enabled =
   * false) a key that is not revoked. `changed` is false when the key was already so, e.g. revoked by a
   * concurrent report: only one of several racing callers gets true. Null when not found.
   */
  containLeak(workspaceId: string, keyId: string, containment: "revoke" | "disable", reason: string | null, now: Date): Promise<{ key: KeyRecord; changed: boolean } | null>;
  /** Ends now the grace of a secret a rotation retired, by its hash. True when this call ended it (it had not ended yet). */
  endGrace(workspaceId: string, retiredHash: string, now: Date): Promise<boolean>;
  /** Write-behind of lastUsedAt (kept at the max) and verification counts; unknown ids are ignored. */
  recordUsage(usage: KeyUsage[]): Promise<void>;
  /**
   * Writes keys brought in from another system, in bulk and atomically, marked imported at their `now`;
   * registers their permissions. Throws StoreConflictError("hash") when a hash is taken. Returns the
   * records in input order.
   */
  importMany(keys: NewKey[]): Promise<KeyRecord[]>;
  /** The owners of those of `hashes` that are already a secret of some key, of any workspace. */
  findHashOwners(hashes: string[]): Promise<HashOwner[]>;
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
  /** The identities of the workspace with any of these externalIds (bulk import), in no set order. */
  getManyByExternalId(workspaceId: string, externalIds: readonly string[]): Promise<IdentityRecord[]>;
  /**
   * Creates many identities of one workspace at once (bulk import; few statements, not one per row).
   * Throws StoreConflictError("externalId") when any externalId is taken (then none is created when
   * called inside a transaction).
   */
  createMany(identities: readonly NewIdentity[]): Promise<IdentityRecord[]>;
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
  /**
   * Claims the install's one-time bootstrap. True for exactly one caller ever, even when several nodes
   * call it at once on an empty database (the others wait for the claim to commit, then get false);
   * call it inside the bootstrap's transaction, so a failed bootstrap releases the claim.
   */
  claimInstall(now: Date): Promise<boolean>;
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
  /** Due dates of keys and retired secrets, and the marks that announce each once (the lifecycle sweeper). */
  readonly lifecycle: LifecycleStore;
  /** Webhook endpoints and the delivery outbox. */
  readonly webhooks: WebhookStore;
  /** Runs `work` in one database transaction; the store it receives writes inside it. */
  transaction<T>(work: (store: Store) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
