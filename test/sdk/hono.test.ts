// The Hono middleware, served by @hono/node-server on loopback, against a real Keyward.
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keyward, type KeywardVariables } from "../../src/sdk/hono.js";
import { startKeyward, type TestKeyward } from "./support/keyward-server.js";
import { describeMiddleware, type Mount } from "./support/middleware-scenarios.js";

const mount: Mount = async (options) => {
  const app = new Hono<{ Variables: KeywardVariables }>();
  app.use("/whoami", keyward(options));
  app.get("/whoami", (c) => c.json({ keyward: c.get("keyward") }));
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const listening = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(listening));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
};

describeMiddleware("Hono", mount);

describe("Hono specifics", () => {
  let kw: TestKeyward;
  beforeAll(async () => {
    kw = await startKeyward();
  });
  afterAll(() => kw?.close());

  it("works with app.request (no socket: clientIp supplies the address) and keeps RateLimit headers on a raw Response", async () => {
    const app = new Hono<{ Variables: KeywardVariables }>();
    app.use("*", keyward({ baseUrl: kw.url, rootKey: kw.verifyRootKey, logger: false, clientIp: (c) => c.req.header("x-test-ip") }));
    app.get("/raw", (c) => new Response(`hello ${c.get("keyward")?.keyId}`));
    const key = await kw.createKey({ restrictions: { ipAllowlist: ["203.0.113.0/24"] }, ratelimits: [{ name: "burst", limit: 5, durationMs: 1_000, autoApply: true }] });
    const allowed = await app.request("/raw", { headers: { "x-api-key": key.key, "x-test-ip": "203.0.113.7" } });
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toBe(`hello ${key.id}`);
    expect(allowed.headers.get("ratelimit-policy")).toBe('"burst";q=5;w=1');
    const elsewhere = await app.request("/raw", { headers: { "x-api-key": key.key, "x-test-ip": "198.51.100.1" } });
    expect(elsewhere.status).toBe(403);
    expect(((await elsewhere.json()) as { code: string }).code).toBe("IP_NOT_ALLOWED");
  });

  it("adds the RateLimit headers to a response whose headers are immutable (one passed on from fetch)", async () => {
    const app = new Hono<{ Variables: KeywardVariables }>();
    app.use("*", keyward({ baseUrl: kw.url, rootKey: kw.verifyRootKey, logger: false }));
    app.get("/proxied", () => fetch(`${kw.url}/healthz`));
    const key = await kw.createKey({ ratelimits: [{ name: "burst", limit: 5, durationMs: 60_000, autoApply: true }] });
    const reply = await app.request("/proxied", { headers: { "x-api-key": key.key } });
    expect(reply.status).toBe(200);
    expect(await reply.json()).toEqual({ status: "ok" });
    expect(reply.headers.get("ratelimit")).toMatch(/^"burst";r=4;t=\d+$/);
  });
});
