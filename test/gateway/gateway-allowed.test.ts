// A valid call through the gateway, in both modes: the upstream sees who called and never the key;
// a client cannot pretend to be someone else with its own X-Keyward-* headers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningGateway } from "../../src/gateway/index.js";
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

describe.each(MODES)("an allowed call (%s mode)", (mode) => {
  let gateway: RunningGateway;
  let apiId: string;
  const logs: string[] = [];
  beforeAll(async () => {
    apiId = (await k.f.api()).id;
    gateway = await startTestGateway(k, mode, { upstream: upstream.url, apiId, yaml: "keyQueryParam: api_key\n", logs });
  });
  afterAll(() => gateway?.close());

  it("reaches the upstream with the caller's identity, without the key, and without spoofed identity headers", async () => {
    const key = await k.f.key({ apiId, externalId: `acme-${mode}`, ratelimits: [{ name: "burst", limit: 10, durationMs: 60_000, autoApply: true }] });
    const before = upstream.seen.length;
    const reply = await send(`${gateway.url}/v1/documents/7?x=1`, {
      headers: { ...bearer(key.key), "x-api-key": "a-second-key", "x-keyward-key-id": "key_forged", "X-Keyward-Identity": "id_forged", "x-keyward-external-id": "ceo", "x-other": "kept" },
    });
    expect(reply.status).toBe(200);
    expect(upstream.seen.length).toBe(before + 1);
    const seen = upstream.seen.at(-1)!;
    expect(seen.url).toBe("/v1/documents/7?x=1");
    expect(seen.headers).toMatchObject({
      "x-keyward-key-id": key.id,
      "x-keyward-identity": key.identityId,
      "x-keyward-external-id": `acme-${mode}`,
      "x-other": "kept",
      "x-forwarded-for": "127.0.0.1",
      "x-forwarded-proto": "http",
      "x-forwarded-host": new URL(gateway.url).host,
    });
    expect(seen.headers.authorization).toBeUndefined();
    expect(seen.headers["x-api-key"]).toBeUndefined();
    expect(JSON.stringify(seen.headers)).not.toContain(key.key);
    expect(JSON.stringify(seen.headers)).not.toMatch(/forged|"ceo"/);
    // The upstream's own answer comes back, with the gateway's informational RateLimit fields.
    expect(reply.headers["x-upstream"]).toBe("yes");
    expect(reply.headers["set-cookie"]).toEqual(["a=1", "b=2"]);
    expect(reply.headers["ratelimit-policy"]).toBe('"burst";q=10;w=60');
    expect(reply.headers.ratelimit).toBe('"burst";r=9;t=60');
    expect(reply.headers["retry-after"]).toBeUndefined();
  });

  it("accepts Authorization: ApiKey and X-API-Key, and leaves an unrelated Authorization header to the API", async () => {
    const key = await k.f.key({ apiId });
    expect((await send(`${gateway.url}/a`, { headers: { authorization: `ApiKey ${key.key}` } })).status).toBe(200);
    expect((await send(`${gateway.url}/b`, { headers: { "x-api-key": key.key, authorization: "Basic dTpw" } })).status).toBe(200);
    const seen = upstream.seen.at(-1)!;
    expect(seen.headers.authorization).toBe("Basic dTpw");
    expect(seen.headers["x-api-key"]).toBeUndefined();
  });

  it("takes the key from the configured query parameter, strips it, and never logs it", async () => {
    const key = await k.f.key({ apiId });
    const reply = await send(`${gateway.url}/search?q=a%20b&api_key=${encodeURIComponent(key.key)}&page=2`);
    expect(reply.status).toBe(200);
    expect(upstream.seen.at(-1)!.url).toBe("/search?q=a%20b&page=2");
    // A refused call with the key in the URL is logged too, redacted.
    await send(`${gateway.url}/search?api_key=${encodeURIComponent(key.key)}x`);
    expect(logs.join("")).toContain("api_key=%5BREDACTED%5D");
    expect(logs.join("")).not.toContain(key.key);
  });

  it("answers its own /healthz without a key", async () => {
    const before = upstream.seen.length;
    const reply = await send(`${gateway.url}/healthz`);
    expect(reply).toMatchObject({ status: 200, json: { status: "ok" } });
    expect(upstream.seen.length).toBe(before);
  });
});
