// Malformed requests on every route with a body or an id: wrong types, unknown fields (refused, not
// stripped), missing fields, non-object bodies, invalid JSON, wrong media types, oversized bodies and
// bad ids. Each gets a 4xx problem with a stable code, and the workspace is unchanged afterwards.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../support/harness.js";
import { call, expectProblem, expectStatus, fixtures, send, snapshot, unique, unknownId, type Fixtures } from "./fixtures.js";

let h: Harness;
let f: Fixtures;
beforeAll(async () => {
  h = await createHarness();
  f = fixtures(h);
});
afterAll(() => h?.close());

interface BodyRoute {
  method: "POST" | "PATCH";
  route: string;
  /** URL and a body the route accepts, made fresh in the workspace. */
  prepare(f: Fixtures): Promise<{ url: string; body: Record<string, unknown> }>;
  required: string[];
  /** Fields for which null is a valid value (clears them). */
  nullable?: string[];
  /** The route takes a JSON null body (revoke without a reason). */
  nullBody?: boolean;
  success: number;
}

const future = () => new Date(Date.now() + 86_400_000).toISOString();

const BODY_ROUTES: BodyRoute[] = [
  { method: "POST", route: "/v1/apis", required: ["name", "prefix"], success: 201,
    prepare: async () => ({ url: "/v1/apis", body: { name: "shop", prefix: `s${unique()}`, defaults: { environment: "test", expiresInSeconds: 3600 } } }) },
  { method: "PATCH", route: "/v1/apis/:apiId", required: [], success: 200,
    prepare: async (f) => ({ url: `/v1/apis/${(await f.api()).id}`, body: { name: "renamed", defaults: { environment: "live" } } }) },
  { method: "POST", route: "/v1/keys", required: ["apiId"], nullable: ["expiresAt"], success: 201,
    prepare: async (f) => {
      const [api, role] = [await f.api(), await f.role()];
      return { url: "/v1/keys", body: { apiId: api.id, name: "k", environment: "test", expiresAt: future(), externalId: `c-${unique()}`,
        permissions: ["docs:read"], roles: [role.id], enabled: true, restrictions: { ipAllowlist: ["10.0.0.0/8"], referrers: ["*.example.com"] }, meta: { a: 1 } } };
    } },
  { method: "PATCH", route: "/v1/keys/:keyId", required: [], nullable: ["name", "identityId", "expiresAt"], success: 200,
    prepare: async (f) => {
      const [key, role, identity] = [await f.key(), await f.role(), await f.identity()];
      return { url: `/v1/keys/${key.id}`, body: { name: "n", identityId: identity.id, permissions: ["docs:write"], roles: [role.name], enabled: false,
        expiresAt: future(), restrictions: { ipAllowlist: ["192.0.2.1"] }, meta: { b: 2 } } };
    } },
  { method: "POST", route: "/v1/keys/:keyId/revoke", required: [], nullBody: true, success: 200,
    prepare: async (f) => ({ url: `/v1/keys/${(await f.key()).id}/revoke`, body: { reason: "leaked" } }) },
  { method: "POST", route: "/v1/keys/verify", required: ["key"], success: 200,
    prepare: async (f) => {
      const key = await f.key({ permissions: ["docs:read"] });
      return { url: "/v1/keys/verify", body: { key: key.key, apiId: key.apiId, permissions: "docs:read", ip: "192.0.2.1", origin: "https://a.example" } };
    } },
  { method: "POST", route: "/v1/identities", required: ["externalId"], success: 201,
    prepare: async () => ({ url: "/v1/identities", body: { externalId: `c-${unique()}`, meta: { plan: "pro" } } }) },
  { method: "PATCH", route: "/v1/identities/:identity", required: [], success: 200,
    prepare: async (f) => ({ url: `/v1/identities/${(await f.identity()).id}`, body: { externalId: `c-${unique()}`, meta: { plan: "max" } } }) },
  { method: "POST", route: "/v1/roles", required: ["name"], success: 201,
    prepare: async () => ({ url: "/v1/roles", body: { name: `r-${unique()}`, description: "d", permissions: ["docs:read"] } }) },
  { method: "PATCH", route: "/v1/roles/:roleId", required: [], nullable: ["description"], success: 200,
    prepare: async (f) => ({ url: `/v1/roles/${(await f.role()).id}`, body: { name: `r-${unique()}`, description: "d", permissions: ["docs:*"] } }) },
  { method: "POST", route: "/v1/root-keys", required: ["name", "permissions"], success: 201,
    prepare: async () => ({ url: "/v1/root-keys", body: { name: "ci", permissions: ["keys:read"] } }) },
  { method: "POST", route: "/v1/root-keys/:rootKeyId/revoke", required: [], nullBody: true, success: 200,
    prepare: async (f) => ({ url: `/v1/root-keys/${(await f.rootKey(["keys:read"])).id}/revoke`, body: { reason: "rotated" } }) },
  { method: "POST", route: "/v1/workspaces", required: ["name"], success: 201, prepare: async () => ({ url: "/v1/workspaces", body: { name: "tenant" } }) },
];

const SAMPLES: unknown[] = [12345, "text", true, null, [], { nested: 1 }, 1.5];
const jsonType = (value: unknown) => (value === null ? "null" : Array.isArray(value) ? "array" : Number.isInteger(value) ? "integer" : typeof value);

/** Values of a JSON type the field does not have (a number for a string, an object for an array, …). */
function wrongTypes(value: unknown, nullable: boolean): unknown[] {
  const type = jsonType(value);
  return SAMPLES.filter((sample) => {
    const t = jsonType(sample);
    if (t === type || (t === "null" && nullable)) return false;
    return !(type === "number" && t === "integer");
  });
}

/** A JSON body bigger than the 1 MiB limit, otherwise well-formed. */
const HUGE = JSON.stringify({ name: "x".repeat(1024 * 1024 + 16) });

const INVALID_JSON = ["{", '{"name": "a",}', "{'name': 'a'}", '{"name": "a"}}', "nul", "\u0000", '{"name": "a"'];

for (const route of BODY_ROUTES) {
  describe(`${route.method} ${route.route}`, () => {
    let url: string;
    let body: Record<string, unknown>;
    beforeAll(async () => {
      ({ url, body } = await route.prepare(f));
    });

    const expectRefused = async (payload: string, contentType: string | null, status: number, code: string, label: string) => {
      const before = await snapshot(h);
      const reply = await send(h, {
        method: route.method,
        url,
        headers: { authorization: `Bearer ${h.rootKey}`, ...(contentType ? { "content-type": contentType } : {}) },
        payload,
      });
      expect(reply.status, `${label}: ${reply.text.slice(0, 300)}`).toBe(status);
      expectProblem(reply, status, code);
      expect(await snapshot(h), `${label} changed the workspace`).toEqual(before);
      return reply;
    };

    it("refuses an unknown field, at the top and nested, naming it", async () => {
      const top = await expectRefused(JSON.stringify({ ...body, surprise: true }), "application/json", 400, "VALIDATION_FAILED", "top-level");
      expect(top.json.errors).toEqual(expect.arrayContaining([expect.objectContaining({ pointer: "/body/surprise" })]));
      for (const [field, value] of Object.entries(body)) {
        if (value && typeof value === "object" && !Array.isArray(value) && field !== "meta") {
          await expectRefused(JSON.stringify({ ...body, [field]: { ...value, surprise: 1 } }), "application/json", 400, "VALIDATION_FAILED", `${field}.surprise`);
        }
      }
    });

    it("refuses a value of the wrong JSON type in every field", async () => {
      for (const [field, value] of Object.entries(body)) {
        for (const wrong of wrongTypes(value, route.nullable?.includes(field) ?? false)) {
          const reply = await expectRefused(JSON.stringify({ ...body, [field]: wrong }), "application/json", 400, "VALIDATION_FAILED", `${field}=${JSON.stringify(wrong)}`);
          expect(reply.json.errors?.[0]?.pointer ?? "", field).toMatch(new RegExp(`^/body/${field}(/|$)`));
        }
      }
    });

    it("refuses a body missing a required field (and an empty PATCH)", async () => {
      for (const field of route.required) {
        const { [field]: _dropped, ...rest } = body;
        await expectRefused(JSON.stringify(rest), "application/json", 400, "VALIDATION_FAILED", `without ${field}`);
      }
      if (route.required.length > 0 || route.method === "PATCH") await expectRefused("{}", "application/json", 400, "VALIDATION_FAILED", "{}");
    });

    it("refuses a body that is not a JSON object", async () => {
      for (const payload of ["[]", '"text"', "42", "true", ...(route.nullBody ? [] : ["null"]), JSON.stringify([body])]) {
        await expectRefused(payload, "application/json", 400, "VALIDATION_FAILED", payload.slice(0, 20));
      }
    });

    it("refuses invalid JSON with INVALID_JSON, an empty JSON body included", async () => {
      for (const payload of [...INVALID_JSON, ""]) await expectRefused(payload, "application/json", 400, "INVALID_JSON", JSON.stringify(payload));
    });

    it("refuses prototype-poisoning JSON", async () => {
      for (const payload of ['{"__proto__": {"admin": true}}', '{"constructor": {"prototype": {"admin": true}}}']) {
        const before = await snapshot(h);
        const reply = await send(h, { method: route.method, url, headers: { authorization: `Bearer ${h.rootKey}`, "content-type": "application/json" }, payload });
        expect(reply.status).toBe(400);
        expect(["INVALID_JSON", "VALIDATION_FAILED"]).toContain(reply.json.code);
        expect(await snapshot(h)).toEqual(before);
      }
    });

    it("refuses other media types with 415", async () => {
      const payload = JSON.stringify(body);
      for (const type of ["text/plain", "application/x-www-form-urlencoded", "application/xml", "multipart/form-data; boundary=x", null]) {
        await expectRefused(payload, type, 415, "UNSUPPORTED_MEDIA_TYPE", String(type));
      }
    });

    it("refuses a body over 1 MiB with 413 PAYLOAD_TOO_LARGE", async () => {
      await expectRefused(HUGE, "application/json", 413, "PAYLOAD_TOO_LARGE", "huge");
    });

    it(`still answers ${route.success} to the untouched body (only the mutation was wrong)`, async () => {
      const reply = await call(h, route.method, url, body);
      expectStatus(reply, route.success);
    });
  });
}

interface IdRoute {
  method: "GET" | "PATCH" | "DELETE" | "POST";
  /** `{id}` marks the path parameter. */
  path: string;
  code: string;
  /** The id type of the parameter (`api` for `api_…`). */
  idType: string;
  body?: unknown;
  /** A real id of another kind, which must not be taken for this one. */
  otherKind(f: Fixtures): Promise<string>;
}

const ID_ROUTES: IdRoute[] = [
  ...(["GET", "PATCH", "DELETE"] as const).map((method) => ({ method, path: "/v1/apis/{id}", idType: "api", code: "API_NOT_FOUND", body: method === "PATCH" ? { name: "x" } : undefined,
    otherKind: async (f: Fixtures) => (await f.key()).id })),
  ...(["GET", "PATCH"] as const).map((method) => ({ method, path: "/v1/keys/{id}", idType: "key", code: "KEY_NOT_FOUND", body: method === "PATCH" ? { name: "x" } : undefined,
    otherKind: async (f: Fixtures) => (await f.role()).id })),
  { method: "POST", path: "/v1/keys/{id}/revoke", idType: "key", code: "KEY_NOT_FOUND", body: {}, otherKind: async (f: Fixtures) => (await f.rootKey(["keys:read"])).id },
  ...(["GET", "PATCH", "DELETE"] as const).map((method) => ({ method, path: "/v1/identities/{id}", idType: "id", code: "IDENTITY_NOT_FOUND", body: method === "PATCH" ? { meta: {} } : undefined,
    otherKind: async (f: Fixtures) => (await f.role()).id })),
  ...(["GET", "PATCH", "DELETE"] as const).map((method) => ({ method, path: "/v1/roles/{id}", idType: "role", code: "ROLE_NOT_FOUND", body: method === "PATCH" ? { name: "x" } : undefined,
    otherKind: async (f: Fixtures) => (await f.identity()).id })),
  // A customer key is not a root key, even in the same workspace.
  { method: "POST", path: "/v1/root-keys/{id}/revoke", idType: "key", code: "ROOT_KEY_NOT_FOUND", body: {}, otherKind: async (f: Fixtures) => (await f.key()).id },
];

describe("ids in paths", () => {
  for (const route of ID_ROUTES) {
    it(`${route.method} ${route.path}: unknown, garbage or other-kind ids are 404 ${route.code}; overlong or undecodable ids 400`, async () => {
      const other = await route.otherKind(f);
      const before = await snapshot(h);
      for (const id of [unknownId(route.idType), other, "nope", "%00", "..%2F..%2Fetc%2Fpasswd", "%F0%9F%94%91", "'%20OR%201=1--", "api_", "key_%3Cscript%3E"]) {
        const reply = await call(h, route.method, route.path.replace("{id}", id), route.body);
        expect(reply.status, `${id}: ${reply.text}`).toBe(404);
        expectProblem(reply, 404, route.code);
      }
      // Past the schema's bound, and past the router's own parameter limit; a broken percent-encoding.
      for (const id of ["k".repeat(300), "k".repeat(5000), "%E0%A4%A", "%"]) {
        const reply = await call(h, route.method, route.path.replace("{id}", id), route.body);
        expectProblem(reply, 400, "VALIDATION_FAILED");
      }
      expect(await snapshot(h)).toEqual(before);
    });
  }

  it("answers an unknown route with 404 ROUTE_NOT_FOUND as a problem", async () => {
    for (const [method, url] of [["GET", "/v1/nothing"], ["PUT", "/v1/apis"], ["POST", "/v1/apis/x/y"], ["GET", "/v2/keys"]] as const) {
      expectProblem(await call(h, method, url), 404, "ROUTE_NOT_FOUND");
    }
  });
});
