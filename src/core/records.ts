// The domain records every layer shares (DESIGN §2). Times are Date; JSON fields are plain objects.
import type { KeyEnvironment } from "./key-format.js";
import type { Restrictions } from "./restrictions.js";

export type Meta = Record<string, unknown>;

export interface Workspace {
  id: string;
  name: string;
  createdAt: Date;
}

/** `root` is the reserved keyspace per workspace that holds root keys; `customer` is everything else. */
export type ApiKind = "customer" | "root";

export interface ApiRecord {
  id: string;
  workspaceId: string;
  kind: ApiKind;
  name: string;
  /** Key prefix, `[a-z][a-z0-9]{1,15}`. */
  prefix: string;
  /** Defaults applied to new keys; grows with the lifecycle and limits issues. */
  defaults: ApiDefaults;
  /** Lifecycle policy of the API's keys (issue 5); {} = no constraints. */
  policy: ApiPolicy;
  /** Present (true) once keys were imported into the API: only then may its keys be outside Keyward's format. */
  holdsImportedKeys?: true;
  createdAt: Date;
  updatedAt: Date;
}

export interface ApiDefaults {
  environment?: KeyEnvironment;
  /** Time to live of a new key in seconds, when the request names no expiresAt. */
  expiresInSeconds?: number;
}

/** Lifecycle policy of an API. Every field is optional; absent = no constraint. */
export interface ApiPolicy {
  /** Longest lifetime of a key (create, update and import beyond it are refused). */
  maxLifetimeSeconds?: number;
  /** A key is due for rotation this long after its creation or last rotation. */
  rotationPeriodSeconds?: number;
  /** Lead time of `key.expiring` and of `GET /v1/keys?expiringWithin=` defaults. */
  expiringSoonSeconds?: number;
  /** What a leak report does to a live key of this API: revoke (default) or disable for review. */
  onLeak?: "revoke" | "disable";
}

/** A named rate limit set on a key or an identity (an identity's limits are shared by all its keys). */
export interface RateLimitConfig {
  name: string;
  limit: number;
  durationMs: number;
  /** Applied to every verification; otherwise only when the request names it. */
  autoApply: boolean;
}

/** `daily` / `monthly` refill at UTC midnight (monthly: on `day`, clamped to the month's length); a number is an interval in ms. */
export type RefillInterval = "daily" | "monthly" | number;

export interface CreditRefill {
  /** Refill sets `remaining` to this amount. */
  amount: number;
  interval: RefillInterval;
  /** Day of the month for a monthly refill (1-31, default 1). */
  day?: number;
}

/** Durable credit balance of a key or an identity. Nodes lease blocks from `remaining` (see src/credits). */
export interface CreditsRecord {
  ownerId: string;
  workspaceId: string;
  /** What the store still holds: leased, unspent credits live in a node's or Redis's pool. */
  remaining: number;
  refill: CreditRefill | null;
  /** Boundary of the last refill (or when credits were set). */
  refilledAt: Date | null;
  /** `credits.low` is recorded once when the balance falls to or below this. */
  lowThreshold: number | null;
  /** When `credits.low` was last recorded; cleared when the balance rises above the threshold. */
  lowAt: Date | null;
  updatedAt: Date;
}

export interface KeyRecord {
  id: string;
  workspaceId: string;
  apiId: string;
  /** SHA-256 hex of the key. Never the key itself. */
  hash: string;
  /** Display prefix of the key (`acme_live_3xK9`). */
  start: string;
  environment: KeyEnvironment;
  name: string | null;
  identityId: string | null;
  /** Permissions granted directly (roles add theirs at verification). */
  permissions: string[];
  /** Role ids attached to the key. */
  roleIds: string[];
  enabled: boolean;
  expiresAt: Date | null;
  restrictions: Restrictions;
  meta: Meta;
  createdAt: Date;
  /** Present once the key was rotated: when its current secret was issued (rotation is due from here). */
  rotatedAt?: Date;
  /** Present when the key's API has a rotation period: (rotatedAt ?? createdAt) + that period, by the API's current policy. */
  rotationDueAt?: Date;
  updatedAt: Date;
  lastUsedAt: Date | null;
  verificationCount: number;
  revokedAt: Date | null;
  revokedReason: string | null;
  ratelimits: RateLimitConfig[];
  credits: CreditsRecord | null;
  /** Present when the key came from another system through an import (its secret is not in Keyward's format). */
  importedAt?: Date;
}

export interface IdentityRecord {
  id: string;
  workspaceId: string;
  externalId: string;
  meta: Meta;
  ratelimits: RateLimitConfig[];
  credits: CreditsRecord | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface RoleRecord {
  id: string;
  workspaceId: string;
  name: string;
  description: string | null;
  permissions: string[];
  createdAt: Date;
  updatedAt: Date;
}

/** What verification needs about a key, resolved in one store read: the key, its API, identity, roles. */
export interface VerifiableKey {
  key: KeyRecord;
  api: ApiRecord;
  identity: IdentityRecord | null;
  /** Roles attached to the key, with their permissions. */
  roles: RoleRecord[];
  /** Set when found by a secret that a rotation retired: honoured until then. */
  graceEndsAt?: Date;
}
