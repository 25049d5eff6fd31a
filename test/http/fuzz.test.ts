// Property tests over HTTP: arbitrary JSON bodies, near-valid bodies, query strings, path ids and
// Authorization headers never crash a route — the answer is a success or a 4xx problem with a
// catalogue code, never a 5xx.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ERROR_CATALOGUE } from "../../src/errors/index.js";
import { createHarness, type Harness } from "../support/harness.js";
import { call, fixtures, send, unknownId, type Reply } from "./fixtures.js";

let h: Harness;
let apiId: string;
let keyId: string;
let key: string;
let roleId: string;
let identityId: string;

beforeAll(async () => {
  h = await createHarness();
  const f = fixtures(h);
  const created = await f.key({ permissions: ["docs:read"], restrictions: { ipAllowlist: ["10.0.0.0/8"] } });
  [apiId, keyId, key] = [created.apiId, created.id, created.key];
  roleId = (await f.role()).id;
  identityId = (await f.identity()).id;
});
afterAll(() => h?.close());

const RUNS = { numRuns: 150 };

function expectWellBehaved(reply: Reply, label: string): void {
  expect(reply.status, `${label} → ${reply.text.slice(0, 300)}`).toBeLessThan(500);
  if (reply.status >= 400) {
    expect(String(reply.headers["content-type"]), label).toMatch(/^application\/problem\+json/);
    expect(Object.keys(ERROR_CATALOGUE), label).toContain(reply.json?.code);
    expect(ERROR_CATALOGUE[reply.json.code as keyof typeof ERROR_CATALOGUE].status).toBe(reply.status);
  } else {
    expect(reply.status, label).toBeGreaterThanOrEqual(200);
    expect(String(reply.headers["content-type"]), label).toMatch(/^application\/json/);
  }
}

/** A value that is sometimes right for the field and often not. */
const maybe = <T>(valid: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) });
const permission = fc.oneof({ weight: 4, arbitrary: fc.constantFrom("docs:read", "docs:*", "docs.*:read", "*", "a:b") }, { weight: 1, arbitrary: fc.string({ maxLength: 20 }) });
const permissionQuery = fc.letrec((tie) => ({
  query: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    permission,
    fc.tuple(tie("query"), fc.constantFrom(" AND ", " OR ", " and ", " ", "("), tie("query")).map(([a, op, b]) => `${a}${op}${b}`),
    tie("query").map((q) => `(${q})`),
  ),
})).query as fc.Arbitrary<string>;
const restrictions = fc.record(
  { ipAllowlist: fc.array(fc.oneof(fc.ipV4(), fc.ipV6(), fc.ipV4().map((ip) => `${ip}/${ip.length % 33}`), fc.string({ maxLength: 20 })), { maxLength: 2 }),
    referrers: fc.array(fc.oneof(fc.domain(), fc.webUrl(), fc.string({ maxLength: 20 })), { maxLength: 2 }) },
  { requiredKeys: [] },
);
const meta = fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 4 }), { maxKeys: 5 });
const future = fc.integer({ min: -1e11, max: 1e11 }).map((offset) => new Date(Date.now() + offset).toISOString());

const keyFields = {
  name: maybe(fc.string({ minLength: 1, maxLength: 30 })),
  permissions: maybe(fc.array(permission, { maxLength: 4 })),
  roles: maybe(fc.array(fc.oneof({ weight: 4, arbitrary: fc.constant("ROLE") }, { weight: 1, arbitrary: fc.string({ maxLength: 10 }) }), { maxLength: 3 })),
  enabled: maybe(fc.boolean()),
  expiresAt: maybe(fc.oneof(future, fc.constant(null))),
  restrictions: maybe(restrictions),
  meta: maybe(meta),
  externalId: maybe(fc.string({ minLength: 1, maxLength: 20 })),
  identityId: maybe(fc.constantFrom("IDENTITY", "IDENTITY", "IDENTITY", unknownId("id"), "nope")),
};

/** Near-valid bodies per route: right field names, values right or wrong, extra fields sometimes. */
const ROUTES: Array<{ method: string; url: string; body: fc.Arbitrary<Record<string, unknown>> }> = [
  { method: "POST", url: "/v1/keys", body: fc.record({ apiId: maybe(fc.constant("API")), environment: maybe(fc.constantFrom("live", "test")), ...keyFields }, { requiredKeys: ["apiId"] }) },
  { method: "PATCH", url: "/v1/keys/:keyId", body: fc.record(keyFields, { requiredKeys: [] }) },
  { method: "POST", url: "/v1/keys/verify",
    body: fc.record({ key: maybe(fc.oneof(fc.constant("KEY"), fc.string())), apiId: maybe(fc.constant("API")), permissions: maybe(permissionQuery),
      ip: maybe(fc.oneof(fc.ipV4(), fc.ipV6(), fc.string({ maxLength: 20 }))), origin: maybe(fc.oneof(fc.webUrl(), fc.string({ maxLength: 20 }))) }, { requiredKeys: [] }) },
  { method: "POST", url: "/v1/apis",
    body: fc.record({ name: maybe(fc.string({ maxLength: 20 })), prefix: maybe(fc.stringMatching(/^[a-z][a-z0-9]{0,17}$/)),
      defaults: maybe(fc.record({ environment: maybe(fc.constantFrom("live", "test")), expiresInSeconds: maybe(fc.integer()) }, { requiredKeys: [] })) }, { requiredKeys: [] }) },
  { method: "POST", url: "/v1/identities", body: fc.record({ externalId: maybe(fc.string({ maxLength: 20 })), meta: maybe(meta) }, { requiredKeys: [] }) },
  { method: "PATCH", url: "/v1/roles/:roleId",
    body: fc.record({ name: maybe(fc.string({ maxLength: 20 })), description: maybe(fc.oneof(fc.string(), fc.constant(null))), permissions: maybe(fc.array(permission)) }, { requiredKeys: [] }) },
  { method: "POST", url: "/v1/root-keys", body: fc.record({ name: maybe(fc.string({ maxLength: 20 })), permissions: maybe(fc.array(permission, { maxLength: 3 })) }, { requiredKeys: [] }) },
];

/** Puts real ids in place of the placeholders, so that some bodies get past the lookups. */
function resolvePlaceholders(body: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(body).replaceAll('"API"', JSON.stringify(apiId)).replaceAll('"KEY"', JSON.stringify(key)).replaceAll('"ROLE"', JSON.stringify(roleId)).replaceAll('"IDENTITY"', JSON.stringify(identityId)));
}

const urlOf = (route: string) => route.replace(":keyId", keyId).replace(":roleId", roleId);

describe("fuzzed bodies", () => {
  for (const route of ROUTES) {
    it(`${route.method} ${route.url} with near-valid bodies`, async () => {
      await fc.assert(
        fc.asyncProperty(route.body, fc.oneof({ weight: 4, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 }) }), async (body, extra) => {
          const sent = resolvePlaceholders({ ...extra, ...body });
          expectWellBehaved(await call(h, route.method, urlOf(route.url), sent), JSON.stringify(sent).slice(0, 300));
        }),
        RUNS,
      );
    });

    it(`${route.method} ${route.url} with arbitrary JSON`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (body) => {
          expectWellBehaved(await call(h, route.method, urlOf(route.url), body), JSON.stringify(body)?.slice(0, 300) ?? "");
        }),
        RUNS,
      );
    });
  }

  it("POST /v1/keys/verify with arbitrary text as the body", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200, unit: "binary" }), async (text) => {
        const reply = await send(h, { method: "POST", url: "/v1/keys/verify", headers: { authorization: `Bearer ${h.rootKey}`, "content-type": "application/json" }, payload: text });
        expectWellBehaved(reply, JSON.stringify(text));
      }),
      RUNS,
    );
  });
});

describe("fuzzed URLs and headers", () => {
  const segment = () => fc.oneof(fc.string({ maxLength: 40 }), fc.string({ maxLength: 40, unit: "binary" }), fc.constantFrom(keyId, "..", "%", "%00", "%zz"));

  it("list query strings", async () => {
    const lists = ["/v1/apis", "/v1/keys", "/v1/identities", "/v1/roles", "/v1/root-keys"];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...lists), fc.dictionary(fc.constantFrom("limit", "cursor", "apiId", "identityId", "x"), segment(), { maxKeys: 3 }), async (list, query) => {
        const url = `${list}?${new URLSearchParams(query as Record<string, string>).toString()}`;
        expectWellBehaved(await call(h, "GET", url), url);
      }),
      RUNS,
    );
  });

  it("ids in paths, raw and encoded", async () => {
    const paths = ["/v1/apis/", "/v1/keys/", "/v1/identities/", "/v1/roles/"];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), segment(), fc.boolean(), async (path, id, encode) => {
        const url = path + (encode ? encodeURIComponent(id) : id.replace(/[\s#?\u0000-\u001f\u007f-\uffff]/g, ""));
        expectWellBehaved(await call(h, "GET", url), url);
      }),
      RUNS,
    );
  });

  it("Authorization headers", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.stringMatching(/^[\x20-\x7e]{0,120}$/), fc.string({ maxLength: 60 }).map((s) => `Bearer ${s.replace(/[^\x20-\x7e]/g, "")}`)), async (authorization) => {
        const reply = await send(h, { method: "GET", url: "/v1/apis", headers: { authorization } });
        expect(reply.status, authorization).toBe(401);
        expectWellBehaved(reply, authorization);
      }),
      RUNS,
    );
  });
});
