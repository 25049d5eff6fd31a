// Applying an API's lifecycle policy to the expiry a request sets (create, update, rotate): the core
// decides (src/core/lifecycle), this turns a refusal into the catalogue error naming the field.
import { checkLifetime, newKeyExpiry, type ApiRecord, type LifetimeDecision } from "../core/index.js";
import { KeywardError } from "../errors/index.js";

function applied(decision: LifetimeDecision, pointer: string): Date | null {
  if (decision.ok) return decision.expiresAt;
  throw new KeywardError(decision.code, `The API allows keys to live until ${decision.latest.toISOString()} at the latest (policy.maxLifetimeSeconds).`, [
    { pointer, message: `must be a time no later than ${decision.latest.toISOString()}` },
  ]);
}

/** The expiry of a new key of `api`: as requested (checked), else by the API's defaults and policy. */
export function expiryOfNewKey(api: ApiRecord, requested: Date | null | undefined, now: Date, pointer: string): Date | null {
  return applied(newKeyExpiry(api.policy, api.defaults, requested, now), pointer);
}

/** An expiry set on an existing key; undefined (not changed) passes. */
export function checkNewExpiry<T extends Date | null | undefined>(api: ApiRecord, expiresAt: T, now: Date, pointer: string): T {
  if (expiresAt === undefined) return expiresAt;
  applied(checkLifetime(api.policy, expiresAt, now), pointer);
  return expiresAt;
}
