// GET /v1/auth, the endpoint nginx's auth_request calls: no root key, the key presented decides, and
// guessing is limited per client address.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/server/app.js";
import { fixtures, mistype, type Fixtures } from "../http/fixtures.js";
import { createHarness, type Harness } from "../support/harness.js";

let h: Harness;
let f: Fixtures;
let app: Awaited<ReturnType<typeof buildApp>>;
let api: { id: string };

beforeAll(async () => {
  h = await createHarness();
  f = fixtures(h);
  // The harness's context, with a small failure limit and a key query parameter turned on.
  app = await buildApp({ ctx: h.ctx, authFailures: { limit: 3, windowMs: 60_000 }, keyQueryParam: "api_key" });
  api = await f.api();
});
afterAll(async () => {
  await app?.close();
  await h?.close();
});

let address = 0;
/** A fresh client address per test, so the failure limit of one test does not leak into the next. */
const freshIp = () => `10.1.0.${++address}`;

async function auth(query: string, headers: Record<string, string> = {}, remoteAddress = freshIp()) {
  const response = await app.inject({ method: "GET", url: `/v1/auth${query}`, headers, remoteAddress });
  return { status: response.statusCode, headers: response.headers, json: response.json() as Record<string, any> };
}

describe("GET /v1/auth", () => {
  it("answers 200 with the caller's identity headers for a good key, with no root key involved", async () => {
    const key = await f.key({ apiId: api.id, externalId: "acme corp", ratelimits: [{ name: "burst", limit: 5, durationMs: 60_000, autoApply: true }] });
    const reply = await auth(`?apiId=${api.id}`, { "x-api-key": key.key, "x-original-uri": "/v1/documents/1", "x-original-method": "GET" });
    expect(reply.status).toBe(200);
    expect(reply.headers).toMatchObject({
      "x-keyward-key-id": key.id,
      "x-keyward-identity": key.identityId,
      "x-keyward-external-id": "acme corp",
      "x-keyward-status": "200",
      "x-keyward-code": "VALID",
      "ratelimit-policy": '"burst";q=5;w=60',
      ratelimit: '"burst";r=4;t=60',
      "cache-control": "no-store",
    });
    expect(reply.json).toEqual({ valid: true, code: "VALID", keyId: key.id, identityId: key.identityId, externalId: "acme corp" });
  });

  it("refuses a missing, revoked, or other API's key with 401, and never accepts a root key", async () => {
    const missing = await auth("");
    expect(missing).toMatchObject({ status: 401, json: { code: "MISSING" }, headers: { "www-authenticate": 'Bearer realm="api"', "x-keyward-status": "401" } });
    expect(missing.headers["content-type"]).toMatch(/^application\/problem\+json/);
    const revoked = await f.key({ apiId: api.id });
    await f.revoke(revoked.id);
    const other = await f.key();
    for (const [key, code] of [[revoked.key, "REVOKED"], [other.key, "NOT_FOUND"], [h.rootKey, "NOT_FOUND"]] as const) {
      const reply = await auth(`?apiId=${api.id}`, { authorization: `Bearer ${key}` });
      expect(reply, code).toMatchObject({ status: 401, json: { code }, headers: { "www-authenticate": 'Bearer realm="api", error="invalid_token"', "x-keyward-code": code } });
    }
    // Without apiId, the key's own record decides: any customer key that is valid passes.
    expect((await auth("", { authorization: `Bearer ${other.key}` })).status).toBe(200);
    expect((await auth("", { authorization: `Bearer ${h.rootKey}` })).status).toBe(401);
  });

  it("checks a permission query: 403 insufficient_scope, and 400 for a query that does not parse", async () => {
    const key = await f.key({ apiId: api.id, permissions: ["docs:read"] });
    expect((await auth(`?apiId=${api.id}&permissions=docs:read`, { authorization: `Bearer ${key.key}` })).status).toBe(200);
    const refused = await auth(`?apiId=${api.id}&permissions=${encodeURIComponent("docs:write OR admin:*")}`, { authorization: `Bearer ${key.key}` });
    expect(refused).toMatchObject({ status: 403, json: { code: "INSUFFICIENT_PERMISSIONS" }, headers: { "www-authenticate": 'Bearer realm="api", error="insufficient_scope"' } });
    expect(await auth("?permissions=docs:read%20AND%20(", { authorization: `Bearer ${key.key}` })).toMatchObject({ status: 400, json: { code: "INVALID_PERMISSION_QUERY" } });
    expect(await auth("?nope=1")).toMatchObject({ status: 400, json: { code: "VALIDATION_FAILED" } });
  });

  it("answers 429 with Retry-After and RateLimit fields, or 403 carrying X-Keyward-Status: 429 for nginx", async () => {
    const key = await f.key({ apiId: api.id, ratelimits: [{ name: "burst", limit: 1, durationMs: 30_000, autoApply: true }] });
    const headers = { authorization: `Bearer ${key.key}` };
    expect((await auth(`?apiId=${api.id}`, headers)).status).toBe(200);
    const limited = await auth(`?apiId=${api.id}`, headers);
    expect(limited).toMatchObject({ status: 429, json: { code: "RATE_LIMITED" }, headers: { "x-keyward-status": "429", "ratelimit-policy": '"burst";q=1;w=30' } });
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    const forNginx = await auth(`?apiId=${api.id}&rateLimitStatus=403`, headers);
    expect(forNginx).toMatchObject({ status: 403, json: { code: "RATE_LIMITED", status: 429 }, headers: { "x-keyward-status": "429", "x-keyward-code": "RATE_LIMITED" } });
    expect(forNginx.headers["retry-after"]).toBe(limited.headers["retry-after"]);
    // A real 403 stays a 403 either way.
    const credits = await f.key({ apiId: api.id, credits: { remaining: 0 } });
    expect(await auth(`?rateLimitStatus=403`, { authorization: `Bearer ${credits.key}` })).toMatchObject({ status: 403, headers: { "x-keyward-status": "429", "x-keyward-code": "USAGE_EXCEEDED" } });
  });

  it("limits unknown and malformed keys per client address, then refuses that address before any lookup", async () => {
    const good = await f.key({ apiId: api.id });
    const attacker = freshIp();
    const guesses = [mistype(good.key), "garbage", good.key.slice(0, -8) + "AAAAAAAA"];
    for (const guess of guesses) expect((await auth("", { authorization: `Bearer ${guess}` }, attacker)).status).toBe(401);
    const blocked = await auth("", { authorization: `Bearer ${good.key.slice(0, -8)}BBBBBBBB` }, attacker);
    expect(blocked).toMatchObject({ status: 429, json: { code: "RATE_LIMITED", detail: expect.stringMatching(/invalid API keys from this address/) }, headers: { "ratelimit-policy": '"invalid-keys";q=3;w=60' } });
    expect(Number(blocked.headers["retry-after"])).toBeGreaterThan(50);

    let reads = 0;
    const original = h.ctx.store.keys.findForVerification;
    h.ctx.store.keys.findForVerification = async (hash) => {
      reads++;
      return original.call(h.ctx.store.keys, hash);
    };
    try {
      const fresh = `${good.key.slice(0, -8)}CCCCCCCC`;
      expect((await auth("?rateLimitStatus=403", { authorization: `Bearer ${fresh}` }, attacker))).toMatchObject({ status: 403, headers: { "x-keyward-status": "429" } });
      expect((await auth("", { authorization: `Bearer ${good.key}` }, attacker)).status).toBe(429);
      expect(reads).toBe(0);
    } finally {
      h.ctx.store.keys.findForVerification = original;
    }
    // Other addresses are not affected; revoked or expired keys are real keys, not guesses.
    expect((await auth("", { authorization: `Bearer ${good.key}` })).status).toBe(200);
  });

  it("reads the key from the original request's query only when a key query parameter is configured", async () => {
    const key = await f.key({ apiId: api.id });
    expect((await auth(`?apiId=${api.id}`, { "x-original-uri": `/v1/documents?api_key=${key.key}` })).status).toBe(200);
    expect((await auth(`?apiId=${api.id}&api_key=${key.key}`)).status).toBe(400);
    const defaultApp = h.app;
    const reply = await defaultApp.inject({ method: "GET", url: `/v1/auth?apiId=${api.id}`, headers: { "x-original-uri": `/v1/documents?api_key=${key.key}` } });
    expect(reply.statusCode).toBe(401);
  });
});
