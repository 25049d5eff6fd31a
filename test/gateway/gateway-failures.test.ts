// When the upstream or Keyward fails: the gateway answers with a catalogue problem, never hangs, and
// never lets an unverified call through.
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRemoteChecker, listenGateway, loadGatewayConfig } from "../../src/gateway/index.js";
import pino from "pino";
import { freePort } from "../e2e/support/keyward-process.js";
import { bearer, MODES, send, startKeyward, startTestGateway, type TestKeyward } from "./support/gateway.js";
import { startUpstream, type Upstream } from "./support/upstream.js";

let k: TestKeyward;
let upstream: Upstream;
beforeAll(async () => {
  [k, upstream] = await Promise.all([startKeyward(), startUpstream()]);
});
afterAll(async () => {
  await upstream?.close();
  await k?.close();
});

describe.each(MODES)("upstream failures (%s mode)", (mode) => {
  it("answers 502 UPSTREAM_UNAVAILABLE when nothing listens upstream", async () => {
    const apiId = (await k.f.api()).id;
    const key = await k.f.key({ apiId });
    const gateway = await startTestGateway(k, mode, { upstream: `http://127.0.0.1:${await freePort()}`, apiId });
    try {
      const reply = await send(`${gateway.url}/v1/x`, { headers: bearer(key.key) });
      expect(reply.status).toBe(502);
      expect(reply.headers["content-type"]).toBe("application/problem+json");
      expect(reply.json).toMatchObject({ status: 502, code: "UPSTREAM_UNAVAILABLE", type: "urn:keyward:problem:upstream-unavailable" });
      // A refused call is still answered as such: the upstream's state does not matter.
      expect((await send(`${gateway.url}/v1/x`)).status).toBe(401);
    } finally {
      await gateway.close();
    }
  });

  it("answers 504 UPSTREAM_TIMEOUT once the upstream took longer than upstreamTimeoutMs", async () => {
    const apiId = (await k.f.api()).id;
    const key = await k.f.key({ apiId });
    const gateway = await startTestGateway(k, mode, { upstream: upstream.url, apiId, yaml: "upstreamTimeoutMs: 300\n" });
    try {
      const started = Date.now();
      const reply = await send(`${gateway.url}/slow?ms=2000`, { headers: bearer(key.key) });
      const took = Date.now() - started;
      expect(reply.status).toBe(504);
      expect(reply.json).toMatchObject({ status: 504, code: "UPSTREAM_TIMEOUT" });
      expect(took).toBeGreaterThanOrEqual(290);
      expect(took).toBeLessThan(1500);
      // Faster than the timeout is fine.
      expect((await send(`${gateway.url}/slow?ms=50`, { headers: bearer(key.key) })).status).toBe(200);
    } finally {
      await gateway.close();
    }
  });

  it("cuts the client connection when the upstream breaks off in the middle of a response", async () => {
    const apiId = (await k.f.api()).id;
    const key = await k.f.key({ apiId });
    const broken = createServer((socket) => {
      socket.once("data", () => socket.end("HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nonly part"));
    });
    await new Promise<void>((resolve) => broken.listen(0, "127.0.0.1", resolve));
    const gateway = await startTestGateway(k, mode, { upstream: `http://127.0.0.1:${(broken.address() as { port: number }).port}`, apiId });
    try {
      await expect(send(`${gateway.url}/x`, { headers: bearer(key.key) })).rejects.toThrow();
      // The gateway itself is fine.
      expect((await send(`${gateway.url}/healthz`)).status).toBe(200);
    } finally {
      await gateway.close();
      broken.close();
    }
  });
});

describe("remote mode when Keyward is unreachable", () => {
  it("fails closed with 503 VERIFICATION_UNAVAILABLE; the upstream sees nothing", async () => {
    const loaded = loadGatewayConfig({ upstream: upstream.url, api: "api_x", port: "0" }, undefined);
    const checker = createRemoteChecker({ url: `http://127.0.0.1:${await freePort()}`, rootKey: "kwroot_live_x", apiId: "api_x", timeoutMs: 1000 });
    const gateway = await listenGateway({ loaded, checker, logger: pino({ level: "silent" }) });
    try {
      const key = await k.f.key();
      const before = upstream.seen.length;
      const reply = await send(`${gateway.url}/x`, { headers: bearer(key.key) });
      expect(reply.status).toBe(503);
      expect(reply.json).toMatchObject({ code: "VERIFICATION_UNAVAILABLE" });
      expect(upstream.seen.length).toBe(before);
    } finally {
      await gateway.close();
    }
  });
});
