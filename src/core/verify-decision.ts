// The verification decision (DESIGN §4) as a pure function: first failing check wins, in this order:
// format+checksum → lookup → workspace/API → revoked → enabled → expired → IP → referrer → permissions
// → (rate limits → credits: later stages, run by the verify service only after this returns ok).
import { compilePermissionSet, evaluatePermissionQuery, type PermissionQuery, type PermissionSet } from "./permissions/index.js";
import { compileLimits, type BucketLimit } from "./limit-plan.js";
import { compileRestrictions, type CompiledRestrictions } from "./restrictions.js";
import type { ApiKind, CreditsRecord, VerifiableKey } from "./records.js";

export const VERIFICATION_CODES = [
  "VALID",
  "MALFORMED",
  "NOT_FOUND",
  "REVOKED",
  "DISABLED",
  "EXPIRED",
  "IP_NOT_ALLOWED",
  "REFERRER_NOT_ALLOWED",
  "INSUFFICIENT_PERMISSIONS",
  "RATE_LIMITED",
  "USAGE_EXCEEDED",
] as const;
export type VerificationCode = (typeof VERIFICATION_CODES)[number];

/** A stored key compiled for fast repeated checks; this is what the verify cache holds. */
export interface VerificationSubject {
  source: VerifiableKey;
  workspaceId: string;
  apiId: string;
  /** `source.api.kind`, kept here: the decision then reads no object beyond the subject for it. */
  apiKind: ApiKind;
  /** Milliseconds since the epoch, or null. */
  revokedAt: number | null;
  expiresAt: number | null;
  /** Found by a secret a rotation retired: refused from this time on (as EXPIRED). */
  graceEndsAt: number | null;
  enabled: boolean;
  /** Key permissions ∪ role permissions. */
  permissions: PermissionSet;
  restrictions: CompiledRestrictions;
  /** Rate limits of the key and its identity by name. */
  limits: ReadonlyMap<string, BucketLimit>;
  /** Who pays credits: the key when it has credits, else its identity when that has, else nobody. */
  creditOwner: CreditsRecord | null;
}

/**
 * What most keys compile to, made once and shared: the verify cache holds one subject per key (hundreds of
 * thousands), and an empty permission set, "any IP, any referrer" and "no limits" need no copy each.
 * Subjects are read-only once compiled, so sharing is invisible.
 */
const NO_PERMISSIONS = compilePermissionSet([]);
const UNRESTRICTED = compileRestrictions({});
const NO_LIMITS: ReadonlyMap<string, BucketLimit> = new Map();

export function compileSubject(source: VerifiableKey): VerificationSubject {
  const { key, roles, identity } = source;
  const granted = roles.length === 0 ? key.permissions : [...key.permissions, ...roles.flatMap((role) => role.permissions)];
  const restricted = (key.restrictions.ipAllowlist?.length ?? 0) > 0 || (key.restrictions.referrers?.length ?? 0) > 0;
  const limited = key.ratelimits.length > 0 || (identity?.ratelimits.length ?? 0) > 0;
  return {
    source,
    workspaceId: key.workspaceId,
    apiId: key.apiId,
    apiKind: source.api.kind,
    revokedAt: key.revokedAt ? key.revokedAt.getTime() : null,
    expiresAt: key.expiresAt ? key.expiresAt.getTime() : null,
    graceEndsAt: source.graceEndsAt ? source.graceEndsAt.getTime() : null,
    enabled: key.enabled,
    permissions: granted.length === 0 ? NO_PERMISSIONS : compilePermissionSet(granted),
    restrictions: restricted ? compileRestrictions(key.restrictions) : UNRESTRICTED,
    limits: limited ? compileLimits(key, identity) : NO_LIMITS,
    creditOwner: key.credits ?? identity?.credits ?? null,
  };
}

export interface VerificationRequest {
  /**
   * The workspace of the caller (the root key's workspace). null when the key's own record names the
   * workspace: authenticating a root key, and answering about the key presented (the gateway in
   * embedded mode, `GET /v1/auth`), there restricted by `apiId` when one is given.
   */
  workspaceId: string | null;
  /** When given, the key must belong to this API. */
  apiId?: string;
  /** Root keys verify only where root keys are expected (management auth), customer keys elsewhere. */
  apiKind?: ApiKind;
  permissionQuery?: PermissionQuery;
  ip?: string;
  /** The caller's `Origin` or `Referer`. */
  origin?: string;
}

export type VerificationDecision =
  | { ok: true; subject: VerificationSubject }
  | { ok: false; code: Exclude<VerificationCode, "VALID">; subject: VerificationSubject | null };

/** `subject` is null when the lookup found nothing. Format checks happen before the lookup (parseKey). */
export function decideVerification(
  subject: VerificationSubject | null,
  request: VerificationRequest,
  now: number,
): VerificationDecision {
  if (!subject) return { ok: false, code: "NOT_FOUND", subject: null };
  // Another workspace's key, or a key of another API, is not found: its existence is not disclosed.
  if (request.workspaceId !== null && subject.workspaceId !== request.workspaceId) return { ok: false, code: "NOT_FOUND", subject: null };
  if (request.apiId !== undefined && subject.apiId !== request.apiId) return { ok: false, code: "NOT_FOUND", subject: null };
  if (subject.apiKind !== (request.apiKind ?? "customer")) return { ok: false, code: "NOT_FOUND", subject: null };
  if (subject.revokedAt !== null && subject.revokedAt <= now) return { ok: false, code: "REVOKED", subject };
  if (!subject.enabled) return { ok: false, code: "DISABLED", subject };
  if (subject.expiresAt !== null && subject.expiresAt <= now) return { ok: false, code: "EXPIRED", subject };
  // The previous secret of a rotated key lives as long as its grace period, like a key's own expiry.
  if (subject.graceEndsAt !== null && subject.graceEndsAt <= now) return { ok: false, code: "EXPIRED", subject };
  if (!subject.restrictions.ipAllowed(request.ip)) return { ok: false, code: "IP_NOT_ALLOWED", subject };
  if (!subject.restrictions.referrerAllowed(request.origin)) return { ok: false, code: "REFERRER_NOT_ALLOWED", subject };
  if (request.permissionQuery && !evaluatePermissionQuery(request.permissionQuery, subject.permissions)) {
    return { ok: false, code: "INSUFFICIENT_PERMISSIONS", subject };
  }
  return { ok: true, subject };
}
