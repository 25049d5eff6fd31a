// Expiry under an API's lifecycle policy: which expiry a key gets and whether one is allowed. Pure: `now`
// comes in. A policy applies when a key's expiry is set (create, update, rotate); changing the policy
// later leaves the expiries of existing keys as they are.
import type { ApiDefaults, ApiPolicy } from "../records.js";

export type LifetimeDecision = { ok: true; expiresAt: Date | null } | { ok: false; code: "KEY_LIFETIME_EXCEEDS_POLICY"; latest: Date };

const plus = (now: Date, seconds: number) => new Date(now.getTime() + seconds * 1000);

/**
 * An expiry explicitly asked for: `null` (never expires) or a time. Under a maximum lifetime, neither
 * "never" nor a time past `now + maxLifetimeSeconds` is allowed.
 */
export function checkLifetime(policy: ApiPolicy, expiresAt: Date | null, now: Date): LifetimeDecision {
  if (policy.maxLifetimeSeconds === undefined) return { ok: true, expiresAt };
  const latest = plus(now, policy.maxLifetimeSeconds);
  if (expiresAt === null || expiresAt.getTime() > latest.getTime()) return { ok: false, code: "KEY_LIFETIME_EXCEEDS_POLICY", latest };
  return { ok: true, expiresAt };
}

/**
 * The expiry of a new key. `requested` undefined: the API's default time to live, else (under a maximum
 * lifetime) the longest lifetime allowed, else none. Anything requested is checked against the policy.
 */
export function newKeyExpiry(policy: ApiPolicy, defaults: ApiDefaults, requested: Date | null | undefined, now: Date): LifetimeDecision {
  if (requested !== undefined) return checkLifetime(policy, requested, now);
  const seconds = [defaults.expiresInSeconds, policy.maxLifetimeSeconds].filter((value): value is number => value !== undefined);
  return { ok: true, expiresAt: seconds.length === 0 ? null : plus(now, Math.min(...seconds)) };
}

/** When a key is due for rotation: its last rotation (else its creation) plus the API's rotation period. */
export function rotationDueAt(policy: ApiPolicy, key: { createdAt: Date; rotatedAt?: Date }): Date | null {
  if (policy.rotationPeriodSeconds === undefined) return null;
  return plus(key.rotatedAt ?? key.createdAt, policy.rotationPeriodSeconds);
}

/** An API's defaults and policy must agree: new keys' default time to live within the maximum lifetime. */
export function checkApiPolicy(policy: ApiPolicy, defaults: ApiDefaults): { ok: true } | { ok: false; code: "INVALID_API_POLICY"; field: "expiresInSeconds" } {
  const { maxLifetimeSeconds } = policy;
  if (maxLifetimeSeconds !== undefined && defaults.expiresInSeconds !== undefined && defaults.expiresInSeconds > maxLifetimeSeconds) {
    return { ok: false, code: "INVALID_API_POLICY", field: "expiresInSeconds" };
  }
  return { ok: true };
}
