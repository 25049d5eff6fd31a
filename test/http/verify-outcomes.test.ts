// POST /v1/keys/verify: every outcome code is reachable over HTTP, answers 200, and the first
// failing check wins in the order of DESIGN §4.
import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { generateKey, hashKey } from "../../src/core/index.js";
import { createHarness, type Harness } from "../support/harness.js";
import { call, fixtures, mistype, type Fixtures } from "./fixtures.js";

let h: Harness;
let f: Fixtures;
let api: { id: string; prefix: string };

beforeAll(async () => {
  h = await createHarness();
  f = fixtures(h);
  api = await f.api();
});
afterAll(() => h?.close());
afterEach(() => h.setNow(new Date()));

const codeOf = async (body: Record<string, unknown>) => (await f.verify(body)).code;

describe("VALID", () => {
  it("answers with the key's id, API, name, environment, identity, meta, permissions, roles and expiry", async () => {
    const role = await f.role({ permissions: ["billing:read"] });
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const created = await f.key({ apiId: api.id, name: "ci", environment: "test", externalId: "acme", meta: { plan: "gold" }, permissions: ["docs:read"], roles: [role.name], expiresAt });
    const result = await f.verify({ key: created.key, apiId: api.id });
    expect(result).toEqual({
      valid: true,
      code: "VALID",
      keyId: created.id,
      apiId: api.id,
      name: "ci",
      environment: "test",
      identity: { id: created.identityId, externalId: "acme", meta: {} },
      meta: { plan: "gold" },
      permissions: expect.arrayContaining(["docs:read", "billing:read"]),
      roles: [role.name],
      expiresAt,
      ratelimits: [],
      credits: null,
    });
    expect(result.permissions).toHaveLength(2);
  });
});

describe("MALFORMED", () => {
  it("refuses a mistyped or made-up key before any lookup", async () => {
    const { key } = await f.key({ apiId: api.id });
    const [prefix, env, rest] = key.split("_") as [string, string, string];
    const candidates = [
      "",
      "garbage",
      mistype(key),
      mistype(key, 2),
      mistype(key, key.length - 1),
      key.slice(0, -1),
      `${key}x`,
      `${prefix}_prod_${rest}`,
      `${prefix}_${env}_${rest.toLowerCase()}`,
      key.replace("_", "-"),
      ` ${key}`,
      `${prefix.toUpperCase()}_${env}_${rest}`,
      "x".repeat(300),
    ];
    let reads = 0;
    const original = h.ctx.store.keys.findForVerification;
    h.ctx.store.keys.findForVerification = async (hash) => {
      reads++;
      return original.call(h.ctx.store.keys, hash);
    };
    try {
      for (const candidate of candidates) {
        expect(await f.verify({ key: candidate }), JSON.stringify(candidate)).toMatchObject({ valid: false, code: "MALFORMED", keyId: null });
      }
    } finally {
      h.ctx.store.keys.findForVerification = original;
    }
    expect(reads).toBe(0);
    expect(await codeOf({ key })).toBe("VALID");
  });
});

describe("NOT_FOUND", () => {
  it("answers NOT_FOUND for a well-formed key that was never issued", async () => {
    const never = generateKey(api.prefix, "live", randomBytes).key;
    expect(await f.verify({ key: never })).toMatchObject({ valid: false, code: "NOT_FOUND", keyId: null });
  });

  it("answers NOT_FOUND when apiId names another API, and VALID when it names the key's", async () => {
    const other = await f.api();
    const { key } = await f.key({ apiId: api.id });
    expect(await f.verify({ key, apiId: other.id })).toMatchObject({ code: "NOT_FOUND", keyId: null, apiId: null });
    expect(await codeOf({ key, apiId: "api_nonexistent" })).toBe("NOT_FOUND");
    expect(await codeOf({ key, apiId: api.id })).toBe("VALID");
  });

  it("answers NOT_FOUND for a root key passed as a customer key", async () => {
    expect(await f.verify({ key: h.rootKey })).toMatchObject({ valid: false, code: "NOT_FOUND", keyId: null });
    const rootKey = await f.rootKey(["keys:verify"]);
    expect(await codeOf({ key: rootKey.key })).toBe("NOT_FOUND");
  });
});

describe("REVOKED, DISABLED, EXPIRED", () => {
  it("answers REVOKED after a revocation", async () => {
    const created = await f.key({ apiId: api.id });
    expect(await codeOf({ key: created.key })).toBe("VALID");
    await f.revoke(created.id);
    expect(await f.verify({ key: created.key })).toMatchObject({ valid: false, code: "REVOKED", keyId: created.id });
  });

  it("answers DISABLED while enabled=false, and VALID again once re-enabled", async () => {
    const created = await f.key({ apiId: api.id });
    expect((await call(h, "PATCH", `/v1/keys/${created.id}`, { enabled: false })).status).toBe(200);
    expect(await codeOf({ key: created.key })).toBe("DISABLED");
    expect((await call(h, "PATCH", `/v1/keys/${created.id}`, { enabled: true })).status).toBe(200);
    expect(await codeOf({ key: created.key })).toBe("VALID");
  });

  it("answers EXPIRED once the clock passes expiresAt (to the millisecond)", async () => {
    const now = Date.now();
    const expiresAt = new Date(now + 3_600_000);
    const created = await f.key({ apiId: api.id, expiresAt: expiresAt.toISOString() });
    expect(await codeOf({ key: created.key })).toBe("VALID");
    h.setNow(new Date(expiresAt.getTime() - 1));
    expect(await codeOf({ key: created.key })).toBe("VALID");
    h.setNow(expiresAt);
    expect(await codeOf({ key: created.key })).toBe("EXPIRED");
  });

  it("applies the API's default lifetime to a key created without expiresAt", async () => {
    const shortLived = await f.api({ defaults: { expiresInSeconds: 60 } });
    const created = await f.key({ apiId: shortLived.id });
    expect(created.expiresAt).not.toBeNull();
    h.setNow(new Date(Date.parse(created.expiresAt) + 1));
    expect(await codeOf({ key: created.key })).toBe("EXPIRED");
    const forever = await f.key({ apiId: shortLived.id, expiresAt: null });
    expect(forever.expiresAt).toBeNull();
    expect(await codeOf({ key: forever.key })).toBe("VALID");
  });
});

describe("IP_NOT_ALLOWED and REFERRER_NOT_ALLOWED", () => {
  it("checks the caller's ip against restrictions.ipAllowlist", async () => {
    const { key } = await f.key({ apiId: api.id, restrictions: { ipAllowlist: ["10.0.0.0/8", "2001:db8::/32", "192.0.2.7"] } });
    for (const ip of ["10.1.2.3", "::ffff:10.1.2.3", "2001:db8::1", "192.0.2.7"]) expect(await codeOf({ key, ip }), ip).toBe("VALID");
    for (const ip of ["192.0.2.8", "11.0.0.1", "010.1.2.3", "2001:db9::1", "not-an-ip", ""]) expect(await codeOf({ key, ip }), ip).toBe("IP_NOT_ALLOWED");
    expect(await codeOf({ key })).toBe("IP_NOT_ALLOWED");
  });

  it("checks the caller's origin against restrictions.referrers", async () => {
    const { key } = await f.key({ apiId: api.id, restrictions: { referrers: ["https://app.example.com", "*.example.org"] } });
    for (const origin of ["https://app.example.com", "https://app.example.com/page?x=1", "https://a.example.org", "http://b.c.example.org"]) {
      expect(await codeOf({ key, origin }), origin).toBe("VALID");
    }
    for (const origin of ["https://evil.com", "http://app.example.com", "https://example.org", "https://app.example.com.evil.com", "nonsense"]) {
      expect(await codeOf({ key, origin }), origin).toBe("REFERRER_NOT_ALLOWED");
    }
    expect(await codeOf({ key })).toBe("REFERRER_NOT_ALLOWED");
  });
});

describe("INSUFFICIENT_PERMISSIONS", () => {
  it("evaluates the query over the key's own and its roles' permissions, wildcards included", async () => {
    const role = await f.role({ permissions: ["billing:*"] });
    const { key } = await f.key({ apiId: api.id, permissions: ["docs:read", "reports.*:read"], roles: [role.id] });
    const cases: Array<[string, string]> = [
      ["docs:read", "VALID"],
      ["docs:write", "INSUFFICIENT_PERMISSIONS"],
      ["billing:refund", "VALID"],
      ["billing.eu:refund", "INSUFFICIENT_PERMISSIONS"],
      ["reports.q1:read", "VALID"],
      ["reports:read", "INSUFFICIENT_PERMISSIONS"],
      ["docs:read AND billing:refund", "VALID"],
      ["docs:read AND admin:all", "INSUFFICIENT_PERMISSIONS"],
      ["admin:all OR docs:read", "VALID"],
      ["docs:read AND (admin:all OR billing:x)", "VALID"],
      ["admin:all OR docs:write AND docs:read", "INSUFFICIENT_PERMISSIONS"],
    ];
    for (const [permissions, code] of cases) expect(await codeOf({ key, permissions }), permissions).toBe(code);
  });

  it("lets a key holding * pass any query", async () => {
    const { key } = await f.key({ apiId: api.id, permissions: ["*"] });
    expect(await codeOf({ key, permissions: "anything:at AND all.of.it:here" })).toBe("VALID");
  });
});

describe("order of checks", () => {
  it("reports the first failing check: revoked > disabled > expired > ip > referrer > permissions", async () => {
    const created = await f.key({
      apiId: api.id,
      enabled: false,
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
      restrictions: { ipAllowlist: ["10.0.0.1"], referrers: ["good.example"] },
    });
    const request = { key: created.key, ip: "10.0.0.2", origin: "https://bad.example", permissions: "x:y" };
    h.setNow(new Date(Date.now() + 120_000));
    expect(await codeOf(request)).toBe("DISABLED");
    await call(h, "PATCH", `/v1/keys/${created.id}`, { enabled: true });
    expect(await codeOf(request)).toBe("EXPIRED");
    h.setNow(new Date());
    expect(await codeOf(request)).toBe("IP_NOT_ALLOWED");
    expect(await codeOf({ ...request, ip: "10.0.0.1" })).toBe("REFERRER_NOT_ALLOWED");
    expect(await codeOf({ ...request, ip: "10.0.0.1", origin: "https://good.example" })).toBe("INSUFFICIENT_PERMISSIONS");
    await f.revoke(created.id);
    expect(await codeOf(request)).toBe("REVOKED");
  });

  it("never answers with a key's hash", async () => {
    const created = await f.key({ apiId: api.id });
    const reply = await call(h, "POST", "/v1/keys/verify", { key: created.key });
    expect(reply.text).not.toContain(hashKey(created.key));
    expect(reply.text).not.toContain(created.key);
  });
});
