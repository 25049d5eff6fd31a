// The behaviour every middleware must show, run once per framework against a real Keyward: the app
// under test answers GET /whoami with `{ keyward: <what the handler saw> }`.
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KeywardOptions } from "../../../src/sdk/index.js";
import { countingFetch, deadUrl, memoryLogger, startKeyward, type TestKeyward } from "./keyward-server.js";

export interface MountedApp {
  url: string;
  close(): Promise<void>;
}
/** Starts the framework's app with keyward(options) in front of GET /whoami, listening on loopback. */
export type Mount = (options: KeywardOptions) => Promise<MountedApp>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function describeMiddleware(framework: string, mount: Mount): void {
  describe(`${framework} middleware against a real Keyward`, () => {
    let keyward: TestKeyward;
    const apps: MountedApp[] = [];
    const base = (): KeywardOptions => ({ baseUrl: keyward.url, rootKey: keyward.verifyRootKey, apiId: keyward.apiId, realm: "test-api", logger: false });
    const start = async (options: Partial<KeywardOptions> = {}) => {
      const app = await mount({ ...base(), ...options });
      apps.push(app);
      return app;
    };
    const get = async (app: MountedApp, headers: Record<string, string> = {}, path = "/whoami") => {
      const response = await fetch(app.url + path, { headers });
      const text = await response.text();
      return { status: response.status, headers: response.headers, text, json: text ? JSON.parse(text) : null };
    };

    beforeAll(async () => {
      keyward = await startKeyward();
    });
    afterAll(async () => {
      await Promise.all(apps.map((app) => app.close()));
      await keyward?.close();
    });

    it("lets a valid key through and shows the handler its id, identity and metadata", async () => {
      const app = await start();
      const key = await keyward.createKey({ externalId: "customer_42", meta: { plan: "gold" }, permissions: ["docs:read"] });
      const reply = await get(app, { authorization: `Bearer ${key.key}` });
      expect(reply.status, reply.text).toBe(200);
      expect(reply.json.keyward).toMatchObject({
        keyId: key.id,
        apiId: keyward.apiId,
        environment: "live",
        identity: { externalId: "customer_42" },
        meta: { plan: "gold" },
        permissions: ["docs:read"],
        credits: null,
      });
    });

    it("reads the key from Authorization: ApiKey and X-API-Key, and from the query only when turned on", async () => {
      const key = await keyward.createKey();
      const app = await start({ cacheTtlMs: 0 });
      expect((await get(app, { authorization: `ApiKey ${key.key}` })).status).toBe(200);
      expect((await get(app, { "x-api-key": key.key })).status).toBe(200);
      expect((await get(app, {}, `/whoami?api_key=${key.key}`)).json.code).toBe("MISSING");
      const custom = await start({ cacheTtlMs: 0, keyHeader: "x-token", queryParam: "api_key" });
      expect((await get(custom, { "x-token": key.key })).status).toBe(200);
      expect((await get(custom, {}, `/whoami?api_key=${key.key}`)).status).toBe(200);
      expect((await get(custom, { "x-api-key": key.key })).status).toBe(401);
    });

    it("answers a missing key 401 with WWW-Authenticate and a problem body", async () => {
      const app = await start();
      const reply = await get(app);
      expect(reply.status).toBe(401);
      expect(reply.headers.get("www-authenticate")).toBe('Bearer realm="test-api"');
      expect(reply.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      expect(reply.json).toMatchObject({ status: 401, code: "MISSING", type: "urn:keyward:problem:missing" });
    });

    it("answers unknown, malformed and revoked keys 401 invalid_token", async () => {
      const app = await start({ cacheTtlMs: 0 });
      const key = await keyward.createKey();
      expect((await get(app, { authorization: `Bearer ${key.key}` })).status).toBe(200);
      await keyward.admin.revokeKey(key.id, { reason: "test" });
      const revoked = await get(app, { authorization: `Bearer ${key.key}` });
      expect(revoked.status).toBe(401);
      expect(revoked.json.code).toBe("REVOKED");
      expect(revoked.headers.get("www-authenticate")).toBe('Bearer realm="test-api", error="invalid_token"');
      expect((await get(app, { authorization: "Bearer sdkt_live_nonsense" })).json.code).toBe("MALFORMED");
      expect((await get(app, { authorization: `Bearer ${"x".repeat(5000)}` })).json.code).toBe("MALFORMED");
    });

    it("answers a missing permission 403 insufficient_scope", async () => {
      const app = await start({ permissions: "docs:write" });
      const key = await keyward.createKey({ permissions: ["docs:read"] });
      const reply = await get(app, { "x-api-key": key.key });
      expect(reply.status).toBe(403);
      expect(reply.json.code).toBe("INSUFFICIENT_PERMISSIONS");
      expect(reply.headers.get("www-authenticate")).toBe('Bearer realm="test-api", error="insufficient_scope"');
      const writer = await keyward.createKey({ permissions: ["docs:*"] });
      expect((await get(app, { "x-api-key": writer.key })).status).toBe(200);
    });

    it("passes the caller's IP and Origin, so the key's restrictions apply", async () => {
      const app = await start({ cacheTtlMs: 0 });
      const webKey = await keyward.createKey({ restrictions: { referrers: ["https://good.example"] } });
      expect((await get(app, { "x-api-key": webKey.key, origin: "https://good.example" })).status).toBe(200);
      expect((await get(app, { "x-api-key": webKey.key, referer: "https://good.example/page?q=1" })).status).toBe(200);
      const refused = await get(app, { "x-api-key": webKey.key, origin: "https://evil.example" });
      expect([refused.status, refused.json.code]).toEqual([403, "REFERRER_NOT_ALLOWED"]);
      const officeKey = await keyward.createKey({ restrictions: { ipAllowlist: ["10.0.0.0/8"] } });
      expect((await get(app, { "x-api-key": officeKey.key })).json.code).toBe("IP_NOT_ALLOWED");
      const loopbackKey = await keyward.createKey({ restrictions: { ipAllowlist: ["127.0.0.0/8", "::1/128"] } });
      expect((await get(app, { "x-api-key": loopbackKey.key })).status).toBe(200);
    });

    it("answers an exhausted rate limit 429 with Retry-After and the RateLimit headers", async () => {
      const app = await start();
      const key = await keyward.createKey({ ratelimits: [{ name: "burst", limit: 2, durationMs: 60_000, autoApply: true }] });
      const first = await get(app, { "x-api-key": key.key });
      expect(first.status).toBe(200);
      expect(first.headers.get("ratelimit-policy")).toBe('"burst";q=2;w=60');
      expect(first.headers.get("ratelimit")).toMatch(/^"burst";r=1;t=\d+$/);
      expect(first.json.keyward.ratelimits).toEqual([expect.objectContaining({ name: "burst", limit: 2, remaining: 1 })]);
      expect((await get(app, { "x-api-key": key.key })).status).toBe(200);
      const refused = await get(app, { "x-api-key": key.key });
      expect(refused.status).toBe(429);
      expect(refused.json.code).toBe("RATE_LIMITED");
      const retryAfter = Number(refused.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(refused.headers.get("ratelimit-policy")).toBe('"burst";q=2;w=60');
      expect(refused.headers.get("ratelimit")).toBe(`"burst";r=0;t=${retryAfter}`);
    });

    it("answers out of credits 429 and shows the balance to the handler", async () => {
      const app = await start({ cost: 2 });
      const key = await keyward.createKey({ credits: { remaining: 3 } });
      const paid = await get(app, { "x-api-key": key.key });
      expect(paid.json.keyward.credits).toEqual({ remaining: 1 });
      const refused = await get(app, { "x-api-key": key.key });
      expect([refused.status, refused.json.code]).toEqual([429, "USAGE_EXCEEDED"]);
    });

    it("fails closed with a 503 problem when Keyward is unreachable, and logs it without the key", async () => {
      const logger = memoryLogger();
      const app = await start({ baseUrl: await deadUrl(), logger, retries: 0 });
      const key = "sdkt_live_abcdefghijklmnopqrstuvwxyz0123";
      const reply = await get(app, { "x-api-key": key });
      expect(reply.status).toBe(503);
      expect(reply.json).toMatchObject({ status: 503, code: "VERIFICATION_UNAVAILABLE" });
      expect(logger.lines).toEqual([expect.objectContaining({ level: "warn", fields: expect.objectContaining({ failOpen: false }) })]);
      expect(logger.text()).not.toContain(key);
      expect(logger.text()).not.toContain(keyward.verifyRootKey);
    });

    it("fails open only when configured: the handler runs with keyward null, and it is logged", async () => {
      const logger = memoryLogger();
      const app = await start({ baseUrl: await deadUrl(), logger, retries: 0, failOpen: true });
      const reply = await get(app, { "x-api-key": "sdkt_live_abcdefghijklmnopqrstuvwxyz0123" });
      expect(reply.status).toBe(200);
      expect(reply.json).toEqual({ keyward: null });
      expect(logger.lines).toEqual([expect.objectContaining({ level: "warn", fields: expect.objectContaining({ failOpen: true }) })]);
      // A missing key is still refused: there is nothing to let through.
      expect((await get(app)).status).toBe(401);
    });

    it("never fails open when Keyward refuses the middleware's own root key", async () => {
      const logger = memoryLogger();
      const noVerify = await keyward.admin.POST("/v1/root-keys", { body: { name: "reader", permissions: ["keys:read"] } });
      const app = await start({ rootKey: noVerify.data!.key, logger, failOpen: true });
      const reply = await get(app, { "x-api-key": (await keyward.createKey()).key });
      expect(reply.status).toBe(500);
      expect(logger.lines).toEqual([expect.objectContaining({ level: "error", fields: expect.objectContaining({ status: 403 }) })]);
      expect(inspect(logger.lines)).not.toContain(noVerify.data!.key);
    });

    it("reuses a positive answer within the TTL, and a revoked key stops working once it has passed", async () => {
      const counter = countingFetch();
      const ttlMs = 1_500;
      const app = await start({ cacheTtlMs: ttlMs, fetch: counter.fetch });
      const key = await keyward.createKey();
      const started = Date.now();
      expect((await get(app, { "x-api-key": key.key })).status).toBe(200);
      expect((await get(app, { authorization: `Bearer ${key.key}` })).json.keyward.keyId).toBe(key.id);
      expect(counter.verifyCalls()).toBe(1);
      await keyward.admin.revokeKey(key.id);
      // Still inside the TTL: the cached answer stands (the documented price of the cache).
      expect((await get(app, { "x-api-key": key.key })).status).toBe(200);
      expect(Date.now() - started).toBeLessThan(ttlMs);
      expect(counter.verifyCalls()).toBe(1);
      await sleep(ttlMs - (Date.now() - started) + 50);
      const after = await get(app, { "x-api-key": key.key });
      expect([after.status, after.json.code]).toEqual([401, "REVOKED"]);
      expect(counter.verifyCalls()).toBe(2);
    });

    it("does not cache answers that applied rate limits or credits, or when the TTL is 0", async () => {
      const counter = countingFetch();
      const app = await start({ fetch: counter.fetch });
      const limited = await keyward.createKey({ ratelimits: [{ name: "burst", limit: 100, durationMs: 60_000, autoApply: true }] });
      const paying = await keyward.createKey({ credits: { remaining: 100 } });
      for (const key of [limited, paying, limited, paying]) expect((await get(app, { "x-api-key": key.key })).status).toBe(200);
      expect(counter.verifyCalls()).toBe(4);
      const uncached = countingFetch();
      const plain = await keyward.createKey();
      const noCache = await start({ cacheTtlMs: 0, fetch: uncached.fetch });
      for (let i = 0; i < 3; i++) expect((await get(noCache, { "x-api-key": plain.key })).status).toBe(200);
      expect(uncached.verifyCalls()).toBe(3);
    });
  });
}
