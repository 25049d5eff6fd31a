// examples/nginx/nginx.conf for real: a real nginx (Debian's package) in front of a small upstream,
// asking a real Keyward server through auth_request. Only the addresses and the API id are changed.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "undici";
import { loadConfig } from "../../src/config/index.js";
import { startServer, type RunningServer } from "../../src/server/start.js";
import { freePort, makeTempDir } from "../e2e/support/keyward-process.js";
import { startUpstream, type Upstream } from "../gateway/support/upstream.js";
import { nginxBinary, startNginx, type NginxServer } from "./nginx-server.js";

const binary = nginxBinary();
if (!binary) console.warn("test/nginx: no nginx binary (apt-get install -y nginx); the nginx auth_request test is SKIPPED");
const EXAMPLE = readFileSync(new URL("../../examples/nginx/nginx.conf", import.meta.url), "utf8");

async function http(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  const response = await request(url, { method: (init.method ?? "GET") as "GET", headers: init.headers ?? {}, body: init.body ?? null });
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, text, json: text.startsWith("{") ? JSON.parse(text) : null };
}

describe.skipIf(!binary)("nginx auth_request with examples/nginx/nginx.conf", () => {
  const temp = makeTempDir("nginx-e2e");
  let keyward: RunningServer;
  let upstream: Upstream;
  let nginx: NginxServer;
  let base: string;
  let rootKey = "";
  let apiId: string;
  const manage = async (method: string, path: string, body?: unknown) => {
    const reply = await http(`${keyward.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${rootKey}`, ...(body ? { "content-type": "application/json" } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (reply.status >= 300) throw new Error(`${method} ${path}: ${reply.status} ${reply.text}`);
    return reply.json;
  };

  beforeAll(async () => {
    keyward = await startServer(
      loadConfig({}, { port: 0, databaseUrl: `${temp.dir}/keyward.db`, logLevel: "silent", trustProxy: true, usageFlushIntervalMs: 60_000 }, undefined),
      { announce: (text) => (rootKey = /kwroot_live_[0-9A-Za-z]+/.exec(text)?.[0] ?? rootKey) },
    );
    upstream = await startUpstream();
    apiId = (await manage("POST", "/v1/apis", { name: "nginx e2e", prefix: "ngx" })).id;
    const port = await freePort();
    const config = EXAMPLE.replace("server 127.0.0.1:8080;", `server ${new URL(keyward.url).host};`)
      .replace("server 127.0.0.1:3000;", `server 127.0.0.1:${upstream.port};`)
      .replace("listen 127.0.0.1:8000;", `listen 127.0.0.1:${port};`)
      .replaceAll("api_REPLACE_ME", apiId);
    nginx = await startNginx(binary!, config, port);
    base = `http://127.0.0.1:${port}`;
  }, 60_000);

  afterAll(async () => {
    await nginx?.stop();
    await upstream?.close();
    await keyward?.close();
    temp.remove();
  });

  it("lets a good key through to the upstream, which sees the caller's identity and not the key", async () => {
    const key = await manage("POST", "/v1/keys", { apiId, externalId: "acme" });
    const reply = await http(`${base}/v1/documents/1?x=1`, { headers: { authorization: `Bearer ${key.key}`, "x-keyward-key-id": "key_forged" } });
    expect(reply.status, reply.text + nginx.errorLog()).toBe(200);
    expect(reply.json).toMatchObject({ method: "GET", url: "/v1/documents/1?x=1" });
    const seen = upstream.seen.at(-1)!;
    expect(seen.headers).toMatchObject({ "x-keyward-key-id": key.id, "x-keyward-identity": key.identityId, "x-keyward-external-id": "acme" });
    expect(seen.headers.authorization).toBeUndefined();
    expect(JSON.stringify(seen.headers)).not.toContain(key.key);
    // A POST with a body goes through too (the auth subrequest itself is a bodiless GET).
    const post = await http(`${base}/v1/documents`, { method: "POST", headers: { "x-api-key": key.key, "content-type": "application/json" }, body: '{"a":1}' });
    expect(post.status).toBe(200);
    expect(upstream.seen.at(-1)!.method).toBe("POST");
  });

  it("answers 401 with a Bearer challenge for a missing key and for a revoked one; the upstream sees neither", async () => {
    const key = await manage("POST", "/v1/keys", { apiId });
    await manage("POST", `/v1/keys/${key.id}/revoke`, { reason: "test" });
    const before = upstream.seen.length;
    const missing = await http(`${base}/v1/documents/1`);
    expect(missing.status).toBe(401);
    expect(missing.headers["www-authenticate"]).toBe('Bearer realm="api"');
    expect(missing.json).toMatchObject({ status: 401, code: "MISSING" });
    const revoked = await http(`${base}/v1/documents/1`, { headers: { authorization: `Bearer ${key.key}` } });
    expect(revoked.status).toBe(401);
    expect(revoked.headers["www-authenticate"]).toBe('Bearer realm="api", error="invalid_token"');
    expect(revoked.json).toMatchObject({ code: "REVOKED" });
    expect(upstream.seen.length).toBe(before);
  });

  it("answers 429 with Retry-After and the RateLimit fields once the key's limit is spent", async () => {
    const key = await manage("POST", "/v1/keys", { apiId, ratelimits: [{ name: "burst", limit: 2, durationMs: 60_000, autoApply: true }] });
    const headers = { authorization: `Bearer ${key.key}` };
    const first = await http(`${base}/a`, { headers });
    expect(first.status).toBe(200);
    expect(first.headers.ratelimit).toBe('"burst";r=1;t=60');
    expect((await http(`${base}/a`, { headers })).status).toBe(200);
    const limited = await http(`${base}/a`, { headers });
    expect(limited.status, nginx.errorLog()).toBe(429);
    expect(Number(limited.headers["retry-after"])).toBeGreaterThanOrEqual(59);
    expect(limited.headers["ratelimit-policy"]).toBe('"burst";q=2;w=60');
    expect(limited.headers.ratelimit).toMatch(/^"burst";r=0;t=(59|60)$/);
    expect(limited.json).toMatchObject({ status: 429, code: "RATE_LIMITED" });
  });

  it("answers 403 for a key the API may not use from this address", async () => {
    const key = await manage("POST", "/v1/keys", { apiId, restrictions: { ipAllowlist: ["192.0.2.0/24"] } });
    const reply = await http(`${base}/a`, { headers: { "x-api-key": key.key } });
    expect(reply.status).toBe(403);
    expect(reply.json).toMatchObject({ code: "IP_NOT_ALLOWED" });
  });

  it("fails closed with 503 when Keyward is down", async () => {
    const key = await manage("POST", "/v1/keys", { apiId });
    await keyward.close();
    const before = upstream.seen.length;
    const reply = await http(`${base}/a`, { headers: { authorization: `Bearer ${key.key}` } });
    expect(reply.status).toBe(503);
    expect(reply.json).toMatchObject({ code: "VERIFICATION_UNAVAILABLE" });
    expect(upstream.seen.length).toBe(before);
  });
});
