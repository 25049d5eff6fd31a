// The input rules a JSON schema alone cannot say: permission names, permission queries, IP and
// referrer rules, expiry, cursors and page sizes, key prefixes, references to roles and identities,
// and uniqueness. Every refusal is a 4xx problem with its own stable code and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../support/harness.js";
import { call, expectProblem, expectRefused, expectStatus, fixtures, RawBody, unique, unknownId, type Fixtures } from "./fixtures.js";

let h: Harness;
let f: Fixtures;
let apiId: string;
let keyId: string;
let roleId: string;
let foreign: { roleId: string; identityId: string };

beforeAll(async () => {
  h = await createHarness();
  f = fixtures(h);
  const key = await f.key({ permissions: ["docs:read"] });
  apiId = key.apiId;
  keyId = key.id;
  roleId = (await f.role()).id;
  const other = await call(h, "POST", "/v1/workspaces", { name: "other" });
  const g = fixtures(h, other.json.rootKey.key);
  foreign = { roleId: (await g.role()).id, identityId: (await g.identity()).id };
});
afterAll(() => h?.close());

const BAD_PERMISSIONS = ["docs", "docs:", ":read", "docs:read:write", "docs read:x", "do*cs:read", "docs.:read", "*docs:read", "docs:re ad", "docs:read\n"];

describe("permission names", () => {
  const routes = (): Array<[string, string, (permissions: string[]) => unknown]> => [
    ["POST", "/v1/keys", (permissions) => ({ apiId, permissions })],
    ["PATCH", `/v1/keys/${keyId}`, (permissions) => ({ permissions })],
    ["POST", "/v1/roles", (permissions) => ({ name: `r-${unique()}`, permissions })],
    ["PATCH", `/v1/roles/${roleId}`, (permissions) => ({ permissions })],
    ["POST", "/v1/root-keys", (permissions) => ({ name: "r", permissions })],
  ];

  it("refuses a name that is not resource:action with INVALID_PERMISSION, pointing at it", async () => {
    for (const [method, url, body] of routes()) {
      for (const bad of BAD_PERMISSIONS) {
        const reply = await expectRefused(h, method, url, body(["docs:read", bad]), 400, "INVALID_PERMISSION");
        expect(reply.json.errors).toEqual([expect.objectContaining({ pointer: "/body/permissions/1" })]);
      }
    }
  });

  it("accepts dotted resources and wildcards", async () => {
    const role = await call(h, "POST", "/v1/roles", { name: `ok-${unique()}`, permissions: ["docs.pages:read", "docs:*", "docs.*:read", "*", "a-b_c:d-e"] });
    expectStatus(role, 201);
  });

  it("refuses an empty permission list for a root key, and more than the schema allows", async () => {
    await expectRefused(h, "POST", "/v1/root-keys", { name: "r", permissions: [] }, 400, "VALIDATION_FAILED");
    await expectRefused(h, "POST", "/v1/keys", { apiId, permissions: Array.from({ length: 1001 }, (_, i) => `p${i}:r`) }, 400, "VALIDATION_FAILED");
    await expectRefused(h, "POST", "/v1/keys", { apiId, permissions: [`${"r".repeat(130)}:read`] }, 400, "VALIDATION_FAILED");
  });
});

describe("permission queries on verify", () => {
  const nested = (depth: number) => `${"(".repeat(depth)}docs:read${")".repeat(depth)}`;
  const BAD_QUERIES = [
    "",
    "   ",
    "docs",
    "docs:read AND",
    "AND docs:read",
    "docs:read OR OR docs:write",
    "(docs:read",
    "docs:read)",
    "()",
    "docs:read docs:write",
    "docs:read AND (docs:write OR docs)",
    nested(9),
    nested(400),
    nested(50_000),
    "docs:read OR ".repeat(7_692) + "docs:read",
    "d".repeat(100_000),
    Array.from({ length: 65 }, (_, i) => `p${i}:r`).join(" OR "),
  ];

  it("refuses every bad query with 400 INVALID_PERMISSION_QUERY, whatever the key", async () => {
    const key = (await f.key({ apiId, permissions: ["docs:read"] })).key;
    for (const permissions of BAD_QUERIES) {
      for (const candidate of [key, "not-a-key"]) {
        const reply = await call(h, "POST", "/v1/keys/verify", { key: candidate, permissions });
        expect(reply.status, `${permissions.slice(0, 40)} (${permissions.length} chars)`).toBe(400);
        expectProblem(reply, 400, "INVALID_PERMISSION_QUERY");
        expect(reply.json.errors?.[0]?.pointer).toBe("/body/permissions");
      }
    }
  });

  it("accepts queries at the limits: depth 8, 64 terms, any-case keywords", async () => {
    const key = (await f.key({ apiId, permissions: ["docs:read"] })).key;
    for (const permissions of [nested(8), Array.from({ length: 63 }, (_, i) => `p${i}:r`).join(" or ") + " OR docs:read", "docs:read and (x:y OR docs:read)"]) {
      const result = await f.verify({ key, permissions });
      expect(result.code, permissions.slice(0, 40)).toBe("VALID");
    }
  });
});

describe("restrictions", () => {
  const BAD_IPS = ["10.0.0.0/33", "999.1.1.1", "010.0.0.1", "127.1", "0x7f000001", "abc", "10.0.0.0/8/8", "::1/129", "", "10.0.0.0/-1", "1.2.3.4 "];
  const BAD_REFERRERS = ["http://", "*", "exa mple.com", "*.*.com", "", "https://", "javascript:alert(1)", "..", "*."];

  it("refuses bad CIDRs and referrer rules with INVALID_RESTRICTION on create and update", async () => {
    for (const [method, url, extra] of [["POST", "/v1/keys", { apiId }], ["PATCH", `/v1/keys/${keyId}`, {}]] as const) {
      for (const ip of BAD_IPS) {
        const reply = await expectRefused(h, method, url, { ...extra, restrictions: { ipAllowlist: ["192.0.2.0/24", ip] } }, 400, "INVALID_RESTRICTION");
        expect(reply.json.errors?.[0]?.pointer).toBe("/body/restrictions/ipAllowlist/1");
      }
      for (const referrer of BAD_REFERRERS) {
        const reply = await expectRefused(h, method, url, { ...extra, restrictions: { referrers: ["app.example.com", referrer] } }, 400, "INVALID_RESTRICTION");
        expect(reply.json.errors?.[0]?.pointer).toBe("/body/restrictions/referrers/1");
      }
    }
  });

  it("accepts IPv4, IPv6, CIDRs, origins, hosts and wildcards", async () => {
    const reply = await call(h, "POST", "/v1/keys", {
      apiId,
      restrictions: { ipAllowlist: ["192.0.2.1", "10.0.0.0/8", "2001:db8::/32", "::1"], referrers: ["https://app.example.com", "example.org", "*.example.net", "http://localhost:3000"] },
    });
    expectStatus(reply, 201);
  });
});

describe("expiry", () => {
  it("refuses an expiresAt in the past or now with INVALID_EXPIRY, on create and update", async () => {
    const now = new Date("2030-01-01T00:00:00.000Z");
    h.setNow(now);
    try {
      for (const [method, url, extra] of [["POST", "/v1/keys", { apiId }], ["PATCH", `/v1/keys/${keyId}`, {}]] as const) {
        for (const expiresAt of ["2029-12-31T23:59:59.999Z", now.toISOString(), "1970-01-01T00:00:00Z"]) {
          await expectRefused(h, method, url, { ...extra, expiresAt }, 400, "INVALID_EXPIRY");
        }
        for (const expiresAt of ["tomorrow", "2030-13-01T00:00:00Z", "2031-01-01", "2031-01-01T00:00:00"]) {
          await expectRefused(h, method, url, { ...extra, expiresAt }, 400, "VALIDATION_FAILED");
        }
      }
      expectStatus(await call(h, "PATCH", `/v1/keys/${keyId}`, { expiresAt: "2030-01-01T00:00:01Z" }), 200);
    } finally {
      h.setNow(new Date());
    }
  });

  it("refuses API defaults out of range", async () => {
    for (const expiresInSeconds of [0, -1, 10 * 365 * 24 * 3600 + 1, 1.5]) {
      await expectRefused(h, "POST", "/v1/apis", { name: "a", prefix: "abc", defaults: { expiresInSeconds } }, 400, "VALIDATION_FAILED");
    }
    await expectRefused(h, "POST", "/v1/apis", { name: "a", prefix: "abc", defaults: { environment: "prod" } }, 400, "VALIDATION_FAILED");
  });
});

describe("key prefixes", () => {
  it("refuses a prefix not matching [a-z][a-z0-9]{1,15}", async () => {
    for (const prefix of ["a", "A", "Abc", "1abc", "ab_c", "ab-c", "ab c", "a".repeat(17), "", "abc_", "äbc", "ab\u0000"]) {
      await expectRefused(h, "POST", "/v1/apis", { name: "a", prefix }, 400, "VALIDATION_FAILED");
    }
  });

  it("refuses the root-key prefix kwroot for a customer API, so no customer key looks like a root key", async () => {
    await expectRefused(h, "POST", "/v1/apis", { name: "a", prefix: "kwroot" }, 400, "API_PREFIX_RESERVED");
  });

  it("accepts the shortest and the longest prefix, and the keys carry it", async () => {
    for (const prefix of ["ab", "a123456789abcdef"]) {
      const api = await f.api({ prefix });
      const key = await f.key({ apiId: api.id });
      expect(key.key.startsWith(`${prefix}_live_`)).toBe(true);
    }
  });
});

describe("pagination input", () => {
  const LISTS = ["/v1/apis", "/v1/keys", "/v1/identities", "/v1/roles", "/v1/root-keys"];

  it("refuses cursors it did not issue with INVALID_CURSOR", async () => {
    const cursors = ["zzz", "!!!", Buffer.from("c1:nope").toString("base64url"), Buffer.from("c2:key_0000000000000000000001").toString("base64url"), "c1:key_x", "%00"];
    for (const list of LISTS) {
      for (const cursor of cursors) {
        const reply = await call(h, "GET", `${list}?cursor=${encodeURIComponent(cursor)}`);
        expectProblem(reply, 400, "INVALID_CURSOR");
      }
      expectProblem(await call(h, "GET", `${list}?cursor=${"a".repeat(201)}`), 400, "VALIDATION_FAILED");
    }
  });

  it("refuses a limit outside 1..100 or not an integer, and unknown query parameters", async () => {
    for (const list of LISTS) {
      for (const limit of ["0", "101", "-1", "1.5", "abc", "", "1e3"]) {
        expectProblem(await call(h, "GET", `${list}?limit=${limit}`), 400, "VALIDATION_FAILED");
      }
      expectProblem(await call(h, "GET", `${list}?sort=desc`), 400, "VALIDATION_FAILED");
      for (const limit of ["1", "100"]) expectStatus(await call(h, "GET", `${list}?limit=${limit}`), 200);
    }
  });

  it("answers 404 for a key list filtered by an unknown API", async () => {
    expectProblem(await call(h, "GET", `/v1/keys?apiId=${unknownId("api")}`), 404, "API_NOT_FOUND");
  });
});

describe("references to roles and identities", () => {
  it("refuses unknown roles with UNKNOWN_ROLE (by id, by name, of another workspace)", async () => {
    for (const [method, url, extra] of [["POST", "/v1/keys", { apiId }], ["PATCH", `/v1/keys/${keyId}`, {}]] as const) {
      for (const ref of [unknownId("role"), "no-such-role", foreign.roleId]) {
        const reply = await expectRefused(h, method, url, { ...extra, roles: [roleId, ref] }, 400, "UNKNOWN_ROLE");
        expect(reply.json.errors?.[0]?.pointer).toBe("/body/roles/1");
      }
    }
  });

  it("refuses unknown identities with UNKNOWN_IDENTITY (unknown, of another workspace)", async () => {
    for (const [method, url, extra] of [["POST", "/v1/keys", { apiId }], ["PATCH", `/v1/keys/${keyId}`, {}]] as const) {
      for (const identityId of [unknownId("id"), foreign.identityId, "nope"]) {
        await expectRefused(h, method, url, { ...extra, identityId }, 400, "UNKNOWN_IDENTITY");
      }
    }
  });

  it("refuses a key for an unknown API with API_NOT_FOUND", async () => {
    await expectRefused(h, "POST", "/v1/keys", { apiId: unknownId("api") }, 404, "API_NOT_FOUND");
  });
});

describe("uniqueness", () => {
  it("refuses externalIds '.' and '..', which no URL could address", async () => {
    for (const externalId of [".", ".."]) {
      await expectRefused(h, "POST", "/v1/identities", { externalId }, 400, "VALIDATION_FAILED");
      await expectRefused(h, "POST", "/v1/keys", { apiId, externalId }, 400, "VALIDATION_FAILED");
    }
    expectStatus(await call(h, "POST", "/v1/identities", { externalId: `...${unique()}` }), 201);
  });

  it("refuses a second identity with the same externalId, on create and on rename (409)", async () => {
    const [a, b] = [await f.identity(), await f.identity()];
    await expectRefused(h, "POST", "/v1/identities", { externalId: a.externalId }, 409, "IDENTITY_EXTERNAL_ID_TAKEN");
    await expectRefused(h, "PATCH", `/v1/identities/${b.id}`, { externalId: a.externalId }, 409, "IDENTITY_EXTERNAL_ID_TAKEN");
    expectStatus(await call(h, "PATCH", `/v1/identities/${a.id}`, { externalId: a.externalId }), 200);
  });

  it("refuses a second role with the same name, on create and on rename (409)", async () => {
    const [a, b] = [await f.role(), await f.role()];
    await expectRefused(h, "POST", "/v1/roles", { name: a.name }, 409, "ROLE_NAME_TAKEN");
    await expectRefused(h, "PATCH", `/v1/roles/${b.id}`, { name: a.name }, 409, "ROLE_NAME_TAKEN");
    expectStatus(await call(h, "PATCH", `/v1/roles/${a.id}`, { name: a.name }), 200);
  });
});

describe("metadata bounds", () => {
  const nestedMeta = (depth: number) => ({ a: JSON.parse(`${"[".repeat(depth - 1)}${"]".repeat(depth - 1)}`) });
  /** The body with meta nested `depth` levels deep, serialized without recursion. */
  const withDeepMeta = (body: Record<string, unknown>, depth: number) =>
    new RawBody(JSON.stringify({ ...body, meta: "@" }).replace('"@"', `{"a":${"[".repeat(depth - 1)}${"]".repeat(depth - 1)}}`));
  const routes = (): Array<[string, string, Record<string, unknown>]> => [
    ["POST", "/v1/keys", { apiId }],
    ["PATCH", `/v1/keys/${keyId}`, {}],
    ["POST", "/v1/identities", { externalId: `m-${unique()}` }],
    ["PATCH", "/v1/identities/m-fixed", {}],
  ];

  it("refuses meta with too many keys, too long keys, or nested past 32 levels (no 500 from a deep one)", async () => {
    await f.identity({ externalId: "m-fixed" });
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, i]));
    for (const [method, url, extra] of routes()) {
      await expectRefused(h, method, url, { ...extra, meta: many }, 400, "VALIDATION_FAILED");
      await expectRefused(h, method, url, { ...extra, meta: { ["k".repeat(129)]: 1 } }, 400, "VALIDATION_FAILED");
      for (const depth of [33, 10_000, 200_000]) {
        const reply = await expectRefused(h, method, url, withDeepMeta(extra, depth), 400, "VALIDATION_FAILED");
        expect(reply.json.errors?.[0]?.pointer).toBe("/body/meta");
      }
    }
  });

  it("accepts meta at the bounds", async () => {
    const many = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, i]));
    for (const [method, url, extra] of routes()) {
      for (const meta of [many, { ["k".repeat(128)]: 1 }, nestedMeta(32)]) {
        const reply = await call(h, method, url, { ...extra, ...(method === "POST" && url === "/v1/identities" ? { externalId: `m-${unique()}` } : {}), meta });
        expect(reply.status, reply.text.slice(0, 200)).toBeLessThan(300);
        expect(reply.json.meta).toEqual(meta);
      }
    }
  });
});
