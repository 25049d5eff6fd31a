// The authorization matrix: every management route × (no key, revoked root key, malformed bearer,
// root key lacking the permission, root key of another workspace, the right key). Refused calls
// change nothing; another workspace's objects are 404, never 403 and never shown.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MANAGEMENT_PERMISSIONS } from "../../src/auth/index.js";
import { generateKey } from "../../src/core/index.js";
import { randomBytes } from "node:crypto";
import { createHarness, type Harness } from "../support/harness.js";
import { call, expectProblem, expectStatus, fixtures, idsOf, mistype, send, snapshot, type Fixtures, type Snapshot } from "./fixtures.js";
import { ROUTES, routeLabel, type RouteRequest } from "./route-table.js";

let h: Harness;
let f: Fixtures;
/** Root key of the first workspace holding `*`, revoked before the matrix runs. */
let revokedRootKey: string;
/** First root key of a second workspace (everything inside its own workspace). */
let foreignRootKey: string;
/** A customer key of the first workspace: not a root key, whatever it holds. */
let customerKey: string;

beforeAll(async () => {
  h = await createHarness();
  f = fixtures(h);
  const revoked = await f.rootKey(["*"]);
  await f.revokeRootKey(revoked.id);
  revokedRootKey = revoked.key;
  const created = await call(h, "POST", "/v1/workspaces", { name: "other tenant" });
  expectStatus(created, 201);
  foreignRootKey = created.json.rootKey.key;
  customerKey = (await f.key({ permissions: ["*"] })).key;
  // The first workspace holds at least one object of every kind, so "not shown" is meaningful.
  await f.identity();
  await f.role();
});

afterAll(() => h?.close());

function withBody(request: RouteRequest): { payload?: string; headers: Record<string, string> } {
  return request.body === undefined ? { headers: {} } : { payload: JSON.stringify(request.body), headers: { "content-type": "application/json" } };
}

const unauthorizedHeaders = (): Record<string, Record<string, string>> => ({
  "no Authorization header": {},
  "revoked root key": { authorization: `Bearer ${revokedRootKey}` },
  "garbage bearer": { authorization: "Bearer not-a-key" },
  "empty bearer": { authorization: "Bearer " },
  "root key with one character changed": { authorization: `Bearer ${mistype(h.rootKey)}` },
  "well-formed root key never issued": { authorization: `Bearer ${generateKey("kwroot", "live", randomBytes).key}` },
  "root key with trailing junk": { authorization: `Bearer ${h.rootKey} extra` },
  "Basic scheme": { authorization: `Basic ${Buffer.from(`${h.rootKey}:`).toString("base64")}` },
  "key in X-API-Key only": { "x-api-key": h.rootKey },
  "customer key as bearer": { authorization: `Bearer ${customerKey}` },
});

for (const row of ROUTES) {
  describe(routeLabel(row), () => {
    let request: RouteRequest;
    let foreignRequest: RouteRequest;
    let lackingKey: string;
    let exactKey: string;
    let before: Snapshot;

    beforeAll(async () => {
      request = await row.prepare(f);
      foreignRequest = row.foreignRequest ? await row.foreignRequest(f, request) : request;
      lackingKey = (await f.rootKey(MANAGEMENT_PERMISSIONS.filter((p) => p !== row.permission))).key;
      exactKey = (await f.rootKey([row.permission])).key;
      before = await snapshot(h);
    });

    it("answers 401 with WWW-Authenticate: Bearer to every missing, revoked or malformed root key", async () => {
      for (const [label, headers] of Object.entries(unauthorizedHeaders())) {
        const { payload, headers: bodyHeaders } = withBody(request);
        const reply = await send(h, { method: row.method, url: request.url, headers: { ...bodyHeaders, ...headers }, ...(payload ? { payload } : {}) });
        expect(reply.status, `${label}: ${reply.text}`).toBe(401);
        expectProblem(reply, 401, "UNAUTHORIZED");
        expect(String(reply.headers["www-authenticate"]), label).toMatch(/^Bearer\b/);
      }
    });

    it("authenticates before it validates: no key and a bad body is still 401", async () => {
      const reply = await send(h, {
        method: row.method,
        url: request.url,
        headers: { "content-type": "application/json" },
        payload: JSON.stringify({ surelyNotAField: 1 }),
      });
      expectProblem(reply, 401, "UNAUTHORIZED");
    });

    it(`answers 403 FORBIDDEN to a root key holding everything but ${row.permission}`, async () => {
      const reply = await call(h, row.method, request.url, request.body, lackingKey);
      expectProblem(reply, 403, "FORBIDDEN");
      expect(reply.json.detail).toContain(row.permission);
      const badBody = await call(h, row.method, request.url, { surelyNotAField: 1 }, lackingKey);
      expectProblem(badBody, 403, "FORBIDDEN");
    });

    it("keeps the first workspace's objects from a root key of another workspace", async () => {
      const reply = await call(h, row.method, foreignRequest.url, foreignRequest.body, foreignRootKey);
      const foreign = row.foreign;
      if ("notFound" in foreign) expectProblem(reply, 404, foreign.notFound);
      else if ("forbidden" in foreign) expectProblem(reply, 403, "FORBIDDEN");
      else if ("verify" in foreign) {
        expectStatus(reply, 200);
        expect(reply.json).toMatchObject({ valid: false, code: foreign.verify, keyId: null, apiId: null, meta: null });
      } else expectStatus(reply, foreign.own);
      // Nothing of the first workspace shows, except the ids the caller itself sent.
      const sent = `${foreignRequest.url} ${JSON.stringify(foreignRequest.body ?? null)}`;
      for (const id of idsOf(before)) {
        if (!sent.includes(id)) expect(reply.text, `${id} leaked`).not.toContain(id);
      }
      if (!("own" in foreign)) {
        for (const item of [...before.apis, ...before.keys, ...before.identities, ...before.roles]) {
          if (item.name) expect(reply.text).not.toContain(`"${item.name}"`);
        }
      }
    });

    it("changed nothing in the first workspace on any refused call", async () => {
      expect(await snapshot(h)).toEqual(before);
    });

    it(`answers ${row.success} to a root key holding exactly ${row.permission}`, async () => {
      const reply = await call(h, row.method, request.url, request.body, exactKey);
      expectStatus(reply, row.success);
      expect(String(reply.headers["content-type"])).toMatch(/^application\/json/);
      if (row.route === "/v1/keys/verify") expect(reply.json).toMatchObject({ valid: true, code: "VALID" });
      // A write that succeeds shows in the workspace (verifying and limiting write nothing on the request path).
      if (row.method !== "GET" && row.route !== "/v1/keys/verify" && row.route !== "/v1/ratelimit") expect(await snapshot(h)).not.toEqual(before);
    });
  });
}

describe("HEAD of every GET route", () => {
  it("is guarded like the GET", async () => {
    for (const row of ROUTES.filter((r) => r.method === "GET")) {
      const url = (await row.prepare(f)).url;
      const anonymous = await send(h, { method: "HEAD", url });
      expect(anonymous.status, `HEAD ${url}`).toBe(401);
      if ("notFound" in row.foreign) {
        const foreign = await send(h, { method: "HEAD", url, headers: { authorization: `Bearer ${foreignRootKey}` } });
        expect(foreign.status, `HEAD ${url} (other workspace)`).toBe(404);
      }
      const allowed = await send(h, { method: "HEAD", url, headers: { authorization: `Bearer ${h.rootKey}` } });
      expect(allowed.status, `HEAD ${url} (install root key)`).toBe(200);
    }
  });
});
