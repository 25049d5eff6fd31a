// Each refusal, answered by the gateway itself with the shared HTTP answer (never reaching the
// upstream), in both modes; routes by method and pattern; and the two modes answering alike.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningGateway } from "../../src/gateway/index.js";
import { bearer, MODES, send, startKeyward, startTestGateway, type Mode, type Reply, type TestKeyward } from "./support/gateway.js";
import { startUpstream, type Upstream } from "./support/upstream.js";

const ROUTES = `
realm: documents
routes:
  - { method: GET, path: /v1/documents/:id, permissions: "docs:read" }
  - { method: [POST, PUT, DELETE], path: /v1/documents/:id, permissions: "docs:write", cost: 5 }
  - { path: /admin/*, permissions: "admin:*" }
  - { method: GET, path: /public/*, public: true }
  - { path: /v1/search, ratelimits: [{ name: search, limit: 2, durationMs: 60000 }] }
`;

let k: TestKeyward;
let upstream: Upstream;
const gateways = new Map<Mode, { gateway: RunningGateway; apiId: string }>();
beforeAll(async () => {
  [k, upstream] = await Promise.all([startKeyward(), startUpstream()]);
  for (const mode of MODES) {
    const apiId = (await k.f.api()).id;
    gateways.set(mode, { apiId, gateway: await startTestGateway(k, mode, { upstream: upstream.url, apiId, yaml: ROUTES }) });
  }
});
afterAll(async () => {
  for (const { gateway } of gateways.values()) await gateway.close();
  await upstream?.close();
  await k?.close();
});

function expectRefusal(reply: Reply, status: number, code: string): void {
  expect({ status: reply.status, code: reply.json?.code }, reply.text).toEqual({ status, code });
  expect(reply.headers["content-type"]).toBe("application/problem+json");
  expect(reply.json).toMatchObject({ type: `urn:keyward:problem:${code.toLowerCase().replaceAll("_", "-")}`, status, title: expect.any(String) });
}

describe.each(MODES)("refused calls (%s mode)", (mode) => {
  const g = () => gateways.get(mode)!;
  /** Sends, and checks that a refused call never reached the upstream. */
  const call = async (path: string, init: Parameters<typeof send>[1] = {}) => {
    const before = upstream.seen.length;
    const reply = await send(`${g().gateway.url}${path}`, init);
    if (reply.status >= 400) expect(upstream.seen.length, `${path} reached the upstream`).toBe(before);
    return reply;
  };

  it("asks for a key with 401 and a Bearer challenge when none is sent", async () => {
    const reply = await call("/v1/documents/1");
    expectRefusal(reply, 401, "MISSING");
    expect(reply.headers["www-authenticate"]).toBe('Bearer realm="documents"');
  });

  it("refuses a malformed, an unknown, another API's and a revoked key with 401 invalid_token", async () => {
    const revoked = await k.f.key({ apiId: g().apiId });
    await k.f.revoke(revoked.id);
    const foreign = await k.f.key();
    const unknown = revoked.key.slice(0, -8) + "AAAAAAAA";
    for (const [key, code] of [["nonsense", "MALFORMED"], [foreign.key, "NOT_FOUND"], [revoked.key, "REVOKED"]] as const) {
      const reply = await call("/v1/documents/1", { headers: bearer(key) });
      expectRefusal(reply, 401, code);
      expect(reply.headers["www-authenticate"]).toBe('Bearer realm="documents", error="invalid_token"');
    }
    expect((await call("/v1/documents/1", { headers: bearer(unknown) })).status).toBe(401);
  });

  it("maps routes by method and pattern to permissions: 403 insufficient_scope when the key lacks one", async () => {
    const reader = await k.f.key({ apiId: g().apiId, permissions: ["docs:read"] });
    expect((await call("/v1/documents/1", { headers: bearer(reader.key) })).status).toBe(200);
    expect((await call("/v1/documents/1", { method: "HEAD", headers: bearer(reader.key) })).status).toBe(200);
    const write = await call("/v1/documents/1", { method: "PUT", headers: bearer(reader.key), body: "{}" });
    expectRefusal(write, 403, "INSUFFICIENT_PERMISSIONS");
    expect(write.headers["www-authenticate"]).toBe('Bearer realm="documents", error="insufficient_scope"');
    expectRefusal(await call("/admin/users", { headers: bearer(reader.key) }), 403, "INSUFFICIENT_PERMISSIONS");
    expectRefusal(await call("/ADMIN//users/../users", { headers: bearer(reader.key) }), 403, "INSUFFICIENT_PERMISSIONS");
    // No route matches: a valid key is all it takes.
    expect((await call("/v1/other", { headers: bearer(reader.key) })).status).toBe(200);
    // A public route needs no key at all.
    expect((await call("/public/logo.svg")).status).toBe(200);
    expectRefusal(await call("/public/logo.svg", { method: "POST" }), 401, "MISSING");
  });

  it("answers 429 with Retry-After and the RateLimit fields once a limit is spent", async () => {
    const key = await k.f.key({ apiId: g().apiId });
    for (let index = 0; index < 2; index++) {
      const reply = await call("/v1/search", { headers: bearer(key.key) });
      expect(reply.status).toBe(200);
      expect(reply.headers.ratelimit).toBe(`"search";r=${1 - index};t=60`);
    }
    const refused = await call("/v1/search", { headers: bearer(key.key) });
    expectRefusal(refused, 429, "RATE_LIMITED");
    expect(refused.headers["ratelimit-policy"]).toBe('"search";q=2;w=60');
    expect(refused.headers.ratelimit).toMatch(/^"search";r=0;t=(59|60)$/);
    expect(Number(refused.headers["retry-after"])).toBeGreaterThanOrEqual(59);
    expect(Number(refused.headers["retry-after"])).toBeLessThanOrEqual(60);
  });

  it("answers 429 USAGE_EXCEEDED when the credits are spent, charging each route its cost", async () => {
    const key = await k.f.key({ apiId: g().apiId, permissions: ["docs:*"], credits: { remaining: 6 } });
    expect((await call("/v1/documents/1", { method: "DELETE", headers: bearer(key.key) })).status).toBe(200);
    expect((await call("/v1/documents/1", { headers: bearer(key.key) })).status).toBe(200);
    expectRefusal(await call("/v1/documents/1", { headers: bearer(key.key) }), 429, "USAGE_EXCEEDED");
    expect((await k.h.call("GET", `/v1/keys/${key.id}`)).json.credits.remaining).toBe(0);
  });
});

describe("embedded and remote mode", () => {
  it("give the same answers, headers included, for the same sequence of calls", async () => {
    const sequences = new Map<Mode, Array<Record<string, unknown>>>();
    for (const mode of MODES) {
      const { gateway, apiId } = gateways.get(mode)!;
      const key = await k.f.key({ apiId, permissions: ["docs:read"], ratelimits: [{ name: "burst", limit: 2, durationMs: 30_000, autoApply: true }] });
      const answers: Array<Record<string, unknown>> = [];
      for (const [path, method] of [["/v1/documents/1", "GET"], ["/v1/documents/1", "PUT"], ["/v1/documents/1", "GET"], ["/v1/documents/1", "GET"], ["/nothing", "GET"]] as const) {
        const headers = path === "/nothing" ? {} : bearer(key.key);
        const reply = await send(`${gateway.url}${path}`, { method, headers, ...(method === "PUT" ? { body: "{}" } : {}) });
        const pick = (name: string) => reply.headers[name];
        answers.push({ status: reply.status, code: reply.json?.code ?? null, www: pick("www-authenticate"), policy: pick("ratelimit-policy"), limit: pick("ratelimit"), retry: pick("retry-after") });
      }
      sequences.set(mode, answers);
    }
    expect(sequences.get("remote")).toEqual(sequences.get("embedded"));
    expect(sequences.get("embedded")!.map((answer) => answer.status)).toEqual([200, 403, 200, 429, 401]);
  });
});
