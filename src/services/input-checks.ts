// Checks on management input that a JSON schema cannot express: permission names, CIDRs, referrers,
// expiry, metadata nesting. Each failure is a catalogue error naming the offending field.
import { isValidIpRange, isValidPermission, isValidReferrerRule, type Meta, type Restrictions } from "../core/index.js";
import { KeywardError } from "../errors/index.js";

export function checkPermissionNames(names: readonly string[] | undefined, pointer: string): void {
  names?.forEach((name, index) => {
    if (!isValidPermission(name)) {
      throw new KeywardError("INVALID_PERMISSION", `'${name}' is not a permission (resource:action).`, [
        { pointer: `${pointer}/${index}`, message: "expected resource:action, e.g. documents:read" },
      ]);
    }
  });
}

export function checkRestrictions(restrictions: Restrictions | undefined, pointer: string): void {
  restrictions?.ipAllowlist?.forEach((range, index) => {
    if (!isValidIpRange(range)) {
      throw new KeywardError("INVALID_RESTRICTION", `'${range}' is not an IP address or CIDR range.`, [
        { pointer: `${pointer}/ipAllowlist/${index}`, message: "expected e.g. 203.0.113.0/24 or 2001:db8::/32" },
      ]);
    }
  });
  restrictions?.referrers?.forEach((rule, index) => {
    if (!isValidReferrerRule(rule)) {
      throw new KeywardError("INVALID_RESTRICTION", `'${rule}' is not an origin or host rule.`, [
        { pointer: `${pointer}/referrers/${index}`, message: "expected e.g. https://app.example.com or *.example.com" },
      ]);
    }
  });
}

export function parseExpiry(expiresAt: string | null | undefined, now: Date, pointer: string): Date | null | undefined {
  if (expiresAt === undefined || expiresAt === null) return expiresAt;
  const date = new Date(expiresAt);
  if (Number.isNaN(date.getTime()) || date.getTime() <= now.getTime()) {
    throw new KeywardError("INVALID_EXPIRY", "expiresAt must be an ISO 8601 time in the future.", [
      { pointer, message: "must lie in the future" },
    ]);
  }
  return date;
}

/** Deepest nesting of objects and arrays allowed in `meta`. */
export const MAX_META_DEPTH = 32;

/**
 * Metadata is free JSON, but JSON nested thousands deep (which fits in a 1 MiB body) overflows the
 * stack of every recursive JSON.stringify downstream: refuse it here, walking without recursion.
 */
export function checkMeta(meta: Meta | undefined, pointer: string): void {
  if (meta === undefined) return;
  const stack: Array<[unknown, number]> = [[meta, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== "object") continue;
    if (depth > MAX_META_DEPTH) {
      throw new KeywardError("VALIDATION_FAILED", `meta nests deeper than ${MAX_META_DEPTH} levels.`, [
        { pointer, message: `must not nest deeper than ${MAX_META_DEPTH} levels` },
      ]);
    }
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
}
