// What the lifecycle sweeper needs from a database: keys and retired secrets whose due date came, across
// all workspaces, in bounded batches, and a guarded "announced" mark per announcement. A mark is set by
// one conditional write, so of several nodes sweeping at once exactly one gets true and writes the audit
// entry (in the same transaction as the mark).
import type { ApiRecord } from "../core/index.js";

/** A key whose date came; `dueAt` is the date the announcement is for. */
export interface DueKey {
  keyId: string;
  workspaceId: string;
  dueAt: Date;
}

/** A key due for rotation, with the secret's issue time its due date counts from (null: never rotated). */
export interface RotationDueKey extends DueKey {
  rotatedAt: Date | null;
}

/** A secret a rotation retired, whose grace period has ended. */
export interface EndedGrace {
  keyId: string;
  workspaceId: string;
  graceEndsAt: Date;
}

export interface LifecycleStore {
  /**
   * Live customer APIs of every workspace whose policy is stored (it may be {}), ordered by id, after
   * `after` (null: from the start); fewer than `limit` means the end.
   */
  apisWithPolicy(after: string | null, limit: number): Promise<ApiRecord[]>;
  /** Keys of the API, not revoked, expiring in (now, until], whose `key.expiring` for that expiry is not recorded. */
  expiringKeys(apiId: string, now: Date, until: Date, limit: number): Promise<DueKey[]>;
  /**
   * Keys of the API, not expired at `now`, due for rotation (last rotation, else creation, plus
   * `rotationPeriodSeconds`) by `until` — overdue ones too — whose rotation notice is not recorded.
   * Revoked keys are included, so that marking them (without an announcement) takes them out for good.
   */
  rotationDueKeys(apiId: string, rotationPeriodSeconds: number, now: Date, until: Date, limit: number): Promise<RotationDueKey[]>;
  /** Keys of any API and state whose expiresAt is at or before `now` and whose expiry is not recorded yet. */
  expiredKeys(now: Date, limit: number): Promise<DueKey[]>;
  /** Retired secrets (of one key, when given) whose grace ended at or before `now` and whose end is not recorded yet. */
  endedGraces(now: Date, limit: number, keyId?: string): Promise<EndedGrace[]>;
  /** Records that the key's expiry `expiresAt` was announced. True when this call did (and expiresAt is still the key's). */
  markExpiring(keyId: string, expiresAt: Date): Promise<boolean>;
  /** Records the rotation notice for the secret issued at `rotatedAt` (null: at creation). True when this call did. */
  markRotationDue(keyId: string, rotatedAt: Date | null, dueAt: Date): Promise<boolean>;
  /** Records that the key's expiry `expiresAt` passed. True when this call did. */
  markExpired(keyId: string, expiresAt: Date): Promise<boolean>;
  /** Records the end of the key's secrets retired until `graceEndsAt`. True when this call did. */
  markGraceEnded(keyId: string, graceEndsAt: Date, now: Date): Promise<boolean>;
}
