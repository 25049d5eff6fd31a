import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parsePermissionQuery, permissionCovers, type PermissionQuery } from "./permissions/index.js";
import type { ApiKind, VerifiableKey } from "./records.js";
import type { Restrictions } from "./restrictions.js";
import { compileSubject, decideVerification, type VerificationCode, type VerificationRequest } from "./verify-decision.js";

const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);
const MINUTE = 60_000;

interface KeyShape {
  workspaceId?: string;
  apiId?: string;
  kind?: ApiKind;
  revokedAt?: number | null;
  enabled?: boolean;
  expiresAt?: number | null;
  restrictions?: Restrictions;
  permissions?: string[];
  rolePermissions?: string[][];
}

function verifiable(shape: KeyShape = {}): VerifiableKey {
  const workspaceId = shape.workspaceId ?? "ws_a";
  const apiId = shape.apiId ?? "api_1";
  const at = new Date(NOW - 30 * 24 * 60 * MINUTE);
  const date = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms));
  return {
    key: {
      id: "key_1",
      workspaceId,
      apiId,
      hash: "0".repeat(64),
      start: "acme_live_AbCd",
      environment: "live",
      name: null,
      identityId: null,
      permissions: shape.permissions ?? [],
      roleIds: (shape.rolePermissions ?? []).map((_, i) => `role_${i}`),
      enabled: shape.enabled ?? true,
      expiresAt: date(shape.expiresAt),
      restrictions: shape.restrictions ?? {},
      meta: {},
      createdAt: at,
      updatedAt: at,
      lastUsedAt: null,
      verificationCount: 0,
      revokedAt: date(shape.revokedAt),
      revokedReason: shape.revokedAt === undefined || shape.revokedAt === null ? null : "test",
      ratelimits: [],
      credits: null,
    },
    api: { id: apiId, workspaceId, kind: shape.kind ?? "customer", name: "acme", prefix: "acme", defaults: {}, policy: {}, createdAt: at, updatedAt: at },
    identity: null,
    roles: (shape.rolePermissions ?? []).map((permissions, i) => ({ id: `role_${i}`, workspaceId, name: `r${i}`, description: null, permissions, createdAt: at, updatedAt: at })),
  };
}

function query(text: string): PermissionQuery {
  const result = parsePermissionQuery(text);
  if (!result.ok) throw new Error(result.message);
  return result.query;
}

function decide(shape: KeyShape, request: Partial<VerificationRequest> = {}, now = NOW) {
  return decideVerification(compileSubject(verifiable(shape)), { workspaceId: "ws_a", ...request }, now);
}
const codeOf = (shape: KeyShape, request: Partial<VerificationRequest> = {}, now = NOW): VerificationCode => {
  const decision = decide(shape, request, now);
  return decision.ok ? "VALID" : decision.code;
};

const RESTRICTED: Restrictions = { ipAllowlist: ["10.0.0.0/8"], referrers: ["*.example.com"] };
const BAD_CALLER = { ip: "11.0.0.1", origin: "https://evil.com", permissionQuery: query("docs:write") };

describe("decideVerification: each check", () => {
  it("a plain key in its workspace is valid and carries its subject", () => {
    const decision = decide({});
    expect(decision.ok).toBe(true);
    expect(decision.subject?.source.key.id).toBe("key_1");
  });

  it("no subject (lookup found nothing) is NOT_FOUND", () => {
    expect(decideVerification(null, { workspaceId: "ws_a" }, NOW)).toEqual({ ok: false, code: "NOT_FOUND", subject: null });
  });

  it("another workspace's key is NOT_FOUND and discloses nothing about it", () => {
    // Even a revoked, disabled key of another workspace must not reveal that it exists.
    expect(decide({ workspaceId: "ws_b", revokedAt: NOW - MINUTE, enabled: false })).toEqual({ ok: false, code: "NOT_FOUND", subject: null });
  });

  it("a key of another API than the one asked for is NOT_FOUND", () => {
    expect(decide({ apiId: "api_2" }, { apiId: "api_1" })).toEqual({ ok: false, code: "NOT_FOUND", subject: null });
    expect(codeOf({ apiId: "api_2" }, { apiId: "api_2" })).toBe("VALID");
    expect(codeOf({ apiId: "api_2" })).toBe("VALID");
  });

  it("root keys verify only where root keys are expected, customer keys only elsewhere", () => {
    expect(decide({ kind: "root" })).toEqual({ ok: false, code: "NOT_FOUND", subject: null });
    expect(decide({ kind: "root" }, { apiKind: "customer" })).toEqual({ ok: false, code: "NOT_FOUND", subject: null });
    expect(codeOf({ kind: "root" }, { apiKind: "root" })).toBe("VALID");
    expect(decide({ kind: "customer" }, { apiKind: "root" })).toEqual({ ok: false, code: "NOT_FOUND", subject: null });
  });

  it("revocation takes effect at revokedAt; before it (rotation grace window) the key still works", () => {
    expect(codeOf({ revokedAt: NOW - 1 })).toBe("REVOKED");
    expect(codeOf({ revokedAt: NOW })).toBe("REVOKED");
    expect(codeOf({ revokedAt: NOW + 1 })).toBe("VALID");
    expect(codeOf({ revokedAt: NOW + 10 * MINUTE }, {}, NOW + 10 * MINUTE)).toBe("REVOKED");
  });

  it("a disabled key is DISABLED, and the subject is returned for the answer", () => {
    const decision = decide({ enabled: false });
    expect(decision).toMatchObject({ ok: false, code: "DISABLED" });
    expect(decision.subject).not.toBeNull();
  });

  it("a key expires at expiresAt exactly", () => {
    expect(codeOf({ expiresAt: NOW - 1 })).toBe("EXPIRED");
    expect(codeOf({ expiresAt: NOW })).toBe("EXPIRED");
    expect(codeOf({ expiresAt: NOW + 1 })).toBe("VALID");
  });

  it("applies IP and referrer restrictions to the caller", () => {
    expect(codeOf({ restrictions: RESTRICTED }, { ip: "10.1.2.3", origin: "https://app.example.com" })).toBe("VALID");
    expect(codeOf({ restrictions: RESTRICTED }, { ip: "11.1.2.3", origin: "https://app.example.com" })).toBe("IP_NOT_ALLOWED");
    expect(codeOf({ restrictions: RESTRICTED }, { origin: "https://app.example.com" })).toBe("IP_NOT_ALLOWED");
    expect(codeOf({ restrictions: RESTRICTED }, { ip: "10.1.2.3", origin: "https://evil.com" })).toBe("REFERRER_NOT_ALLOWED");
    expect(codeOf({ restrictions: RESTRICTED }, { ip: "10.1.2.3" })).toBe("REFERRER_NOT_ALLOWED");
  });

  it("checks the permission query against the key's and its roles' permissions", () => {
    const q = query("docs:read AND (billing:read OR billing:write)");
    expect(codeOf({ permissions: ["docs:read"] }, { permissionQuery: q })).toBe("INSUFFICIENT_PERMISSIONS");
    expect(codeOf({ permissions: ["docs:read"], rolePermissions: [["billing:write"]] }, { permissionQuery: q })).toBe("VALID");
    expect(codeOf({ rolePermissions: [["docs:*"], ["billing.*:read", "billing:read"]] }, { permissionQuery: q })).toBe("VALID");
    expect(codeOf({ rolePermissions: [["docs:*"]] }, { permissionQuery: q })).toBe("INSUFFICIENT_PERMISSIONS");
    expect(codeOf({ permissions: [] })).toBe("VALID");
  });
});

describe("decideVerification: the first failing check wins (DESIGN §4 order)", () => {
  it.each<[string, KeyShape, VerificationCode]>([
    ["revoked + disabled + expired", { revokedAt: NOW - 1, enabled: false, expiresAt: NOW - 1 }, "REVOKED"],
    ["revoked + every later failure", { revokedAt: NOW, enabled: false, expiresAt: NOW, restrictions: RESTRICTED }, "REVOKED"],
    ["disabled + expired", { enabled: false, expiresAt: NOW - 1 }, "DISABLED"],
    ["disabled + bad IP + bad referrer + permissions", { enabled: false, restrictions: RESTRICTED }, "DISABLED"],
    ["expired + bad IP", { expiresAt: NOW, restrictions: RESTRICTED }, "EXPIRED"],
    ["bad IP + bad referrer + permissions", { restrictions: RESTRICTED }, "IP_NOT_ALLOWED"],
    ["bad referrer + permissions", { restrictions: { referrers: ["*.example.com"] } }, "REFERRER_NOT_ALLOWED"],
    ["permissions only", { restrictions: { ipAllowlist: ["11.0.0.0/8"] } }, "INSUFFICIENT_PERMISSIONS"],
  ])("%s → %s", (_, shape, code) => {
    expect(codeOf(shape, BAD_CALLER)).toBe(code);
  });

  it("workspace, API and kind mismatches come before every key state", () => {
    const broken: KeyShape = { revokedAt: NOW - 1, enabled: false, expiresAt: NOW - 1, restrictions: RESTRICTED };
    expect(decide({ ...broken, workspaceId: "ws_b" }, BAD_CALLER)).toEqual({ ok: false, code: "NOT_FOUND", subject: null });
    expect(decide({ ...broken, apiId: "api_2" }, { ...BAD_CALLER, apiId: "api_1" })).toEqual({ ok: false, code: "NOT_FOUND", subject: null });
    expect(decide({ ...broken, kind: "root" }, BAD_CALLER)).toEqual({ ok: false, code: "NOT_FOUND", subject: null });
  });
});

describe("decideVerification: agrees with a reference of the ordered checks", () => {
  const times = fc.constantFrom<number | null>(null, NOW - MINUTE, NOW - 1, NOW, NOW + 1, NOW + MINUTE);
  const names = fc.constantFrom("docs:read", "docs:write", "docs:*", "docs.*:read", "docs.pages:read", "billing:read", "*:read", "*");
  const shapes = fc.record({
    workspaceId: fc.constantFrom("ws_a", "ws_b"),
    apiId: fc.constantFrom("api_1", "api_2"),
    kind: fc.constantFrom<ApiKind>("customer", "root"),
    revokedAt: times,
    enabled: fc.boolean(),
    expiresAt: times,
    restrictions: fc.record({ ipAllowlist: fc.constantFrom<string[]>([], ["10.0.0.0/8"], ["10.0.0.0/8", "2001:db8::/32"]), referrers: fc.constantFrom<string[]>([], ["*.example.com"], ["https://app.test"]) }),
    permissions: fc.array(names, { maxLength: 3 }),
    rolePermissions: fc.array(fc.array(names, { maxLength: 2 }), { maxLength: 2 }),
  });
  type Shape = typeof shapes extends fc.Arbitrary<infer S> ? S : never;
  const requests = fc.record(
    {
      workspaceId: fc.constantFrom("ws_a", "ws_b"),
      apiId: fc.constantFrom("api_1", "api_2"),
      apiKind: fc.constantFrom<ApiKind>("customer", "root"),
      ip: fc.constantFrom("10.1.2.3", "11.1.2.3", "::ffff:10.9.9.9", "2001:db8::7", "garbage"),
      origin: fc.constantFrom("https://a.example.com", "https://example.com", "https://app.test", "http://app.test", "null"),
      permissionQuery: fc.constantFrom("docs:read", "docs.pages:read OR billing:read", "docs:write AND billing:read", "*").map(query),
    },
    { requiredKeys: ["workspaceId"] },
  );

  // Independent of compileRestrictions/PermissionSet: written from the fixed vocabulary above.
  function referenceIp(list: string[], ip: string | undefined): boolean {
    if (list.length === 0) return true;
    const v4 = ip?.replace(/^::ffff:/, "");
    return Boolean(v4?.startsWith("10.") || (list.includes("2001:db8::/32") && ip?.startsWith("2001:db8:")));
  }
  function referenceReferrer(rules: string[], origin: string | undefined): boolean {
    if (rules.length === 0) return true;
    if (rules[0] === "*.example.com") return origin === "https://a.example.com";
    return origin === "https://app.test";
  }
  function referenceQuery(q: PermissionQuery, granted: string[]): boolean {
    if (q.type === "permission") return granted.some((g) => permissionCovers(g, q.name));
    return q.type === "and" ? q.terms.every((t) => referenceQuery(t, granted)) : q.terms.some((t) => referenceQuery(t, granted));
  }
  function reference(shape: Shape, request: VerificationRequest, now: number): VerificationCode {
    if (shape.workspaceId !== request.workspaceId) return "NOT_FOUND";
    if (request.apiId !== undefined && request.apiId !== shape.apiId) return "NOT_FOUND";
    if (shape.kind !== (request.apiKind ?? "customer")) return "NOT_FOUND";
    if (shape.revokedAt !== null && shape.revokedAt <= now) return "REVOKED";
    if (!shape.enabled) return "DISABLED";
    if (shape.expiresAt !== null && shape.expiresAt <= now) return "EXPIRED";
    if (!referenceIp(shape.restrictions.ipAllowlist, request.ip)) return "IP_NOT_ALLOWED";
    if (!referenceReferrer(shape.restrictions.referrers, request.origin)) return "REFERRER_NOT_ALLOWED";
    const granted = [...shape.permissions, ...shape.rolePermissions.flat()];
    if (request.permissionQuery && !referenceQuery(request.permissionQuery, granted)) return "INSUFFICIENT_PERMISSIONS";
    return "VALID";
  }

  it("for random subjects and requests the code (and whether the subject is disclosed) matches", () => {
    const seen = new Set<VerificationCode>();
    fc.assert(
      fc.property(shapes, requests, (shape, request) => {
        const expected = reference(shape, request, NOW);
        const decision = decideVerification(compileSubject(verifiable(shape)), request, NOW);
        expect(decision.ok ? "VALID" : decision.code).toBe(expected);
        expect(decision.subject === null).toBe(expected === "NOT_FOUND");
        seen.add(expected);
      }),
      { numRuns: 3000 },
    );
    // The generators reach every outcome this stage can give, so no branch goes untested.
    expect([...seen].sort()).toEqual(["DISABLED", "EXPIRED", "INSUFFICIENT_PERMISSIONS", "IP_NOT_ALLOWED", "NOT_FOUND", "REFERRER_NOT_ALLOWED", "REVOKED", "VALID"]);
  });
});
