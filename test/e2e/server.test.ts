// End to end: `node bin/keyward.js serve` as a user runs it, the quick start over real HTTP,
// a graceful SIGTERM that flushes usage, and a restart on the same database.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, killAll, makeTempDir, ROOT_KEY, spawnKeyward, type KeywardProcess } from "./support/keyward-process.js";

const tmp = makeTempDir("e2e-server");
const env = {
  KEYWARD_PORT: "0",
  KEYWARD_DATABASE_URL: join(tmp.dir, "keyward.db"),
  // An hour: within the test, only the flush on shutdown can write usage counters.
  KEYWARD_USAGE_FLUSH_INTERVAL_MS: "3600000",
};

/** The lines Keyward logs (pino JSON), as opposed to the one-time notice it prints. */
const logLines = (stdout: string) => stdout.split("\n").filter((line) => line.startsWith("{"));

async function call(url: string, rootKey: string, method: string, path: string, body?: unknown) {
  const response = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${rootKey}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, text, json: JSON.parse(text) as Record<string, any> };
}

describe("keyward serve", () => {
  let first: KeywardProcess;
  let url = "";
  let rootKey = "";
  const issued: { revoked?: { id: string; key: string }; kept?: { id: string; key: string } } = {};

  beforeAll(async () => {
    await ensureBuilt();
  }, 180_000);

  afterAll(() => {
    killAll();
    tmp.remove();
  });

  it("prints the root key on first start exactly once, and never in a log line", async () => {
    first = spawnKeyward(env, { cwd: tmp.dir });
    url = await first.listening();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const stdout = first.stdout();
    const printed = stdout.match(ROOT_KEY) ?? [];
    expect(printed).toHaveLength(1);
    rootKey = printed[0]!;
    expect(stdout).toContain("It will not be shown again.");

    const logs = logLines(stdout);
    expect(logs.length).toBeGreaterThanOrEqual(1);
    expect(logs.join("\n")).toContain('"msg":"keyward listening"');
    expect(logs.join("\n")).not.toContain("kwroot_");
    expect(first.stderr()).not.toContain("kwroot_");

    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
  });

  it("runs the quick start: create an API and a key, verify, revoke, verify again", async () => {
    const api = await call(url, rootKey, "POST", "/v1/apis", { name: "Acme public API", prefix: "acme" });
    expect(api.status).toBe(201);
    expect(api.json.id).toMatch(/^api_/);

    const created = await call(url, rootKey, "POST", "/v1/keys", {
      apiId: api.json.id,
      name: "Jane's laptop",
      externalId: "customer_42",
      permissions: ["documents:read"],
    });
    expect(created.status).toBe(201);
    const key = String(created.json.key);
    expect(key).toMatch(/^acme_live_[0-9A-Za-z]+$/);
    expect(created.text.split(key)).toHaveLength(2); // in the answer exactly once
    issued.revoked = { id: String(created.json.id), key };

    const stored = await call(url, rootKey, "GET", `/v1/keys/${created.json.id}`);
    expect(stored.status).toBe(200);
    expect(stored.text).not.toContain(key);

    const valid = await call(url, rootKey, "POST", "/v1/keys/verify", { key, apiId: api.json.id, permissions: "documents:read" });
    expect(valid.status).toBe(200);
    expect(valid.json).toMatchObject({ valid: true, code: "VALID", keyId: created.json.id, identity: { externalId: "customer_42" } });

    const revoked = await call(url, rootKey, "POST", `/v1/keys/${created.json.id}/revoke`, { reason: "laptop stolen" });
    expect(revoked.status).toBe(200);
    expect(revoked.json).toMatchObject({ revokedReason: "laptop stolen", revokedAt: expect.any(String) });

    const refused = await call(url, rootKey, "POST", "/v1/keys/verify", { key });
    expect(refused.status).toBe(200);
    expect(refused.json).toMatchObject({ valid: false, code: "REVOKED" });

    // A second key, verified three times and left alone, to count the usage flushed at shutdown.
    const kept = await call(url, rootKey, "POST", "/v1/keys", { apiId: api.json.id, name: "kept" });
    issued.kept = { id: String(kept.json.id), key: String(kept.json.key) };
    for (let i = 0; i < 3; i++) {
      expect((await call(url, rootKey, "POST", "/v1/keys/verify", { key: issued.kept.key })).json.valid).toBe(true);
    }
    // Write-behind: nothing is in the database yet (the periodic flush is an hour away).
    const before = await call(url, rootKey, "GET", `/v1/keys/${issued.kept.id}`);
    expect(before.json).toMatchObject({ verificationCount: 0, lastUsedAt: null });

    // No issued secret reaches a log line or stderr.
    for (const secret of [key, issued.kept.key, rootKey]) {
      expect(logLines(first.stdout()).join("\n")).not.toContain(secret);
      expect(first.stderr()).not.toContain(secret);
    }
  });

  it("stops on SIGTERM with exit code 0 within a few seconds", async () => {
    const exit = await first.stop("SIGTERM");
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.ms).toBeLessThan(5_000);
    expect(first.stderr()).toContain("SIGTERM, flushing and stopping");
  });

  it("restarts on the same database without printing a root key, with the usage flushed at shutdown", async () => {
    const startedAt = Date.now();
    const second = spawnKeyward(env, { cwd: tmp.dir });
    try {
      const secondUrl = await second.listening();
      expect(second.stdout()).not.toContain("kwroot_");
      expect(second.stdout()).not.toContain("will not be shown again");

      // The old root key still works: the same database, not a fresh install.
      const kept = await call(secondUrl, rootKey, "GET", `/v1/keys/${issued.kept!.id}`);
      expect(kept.status).toBe(200);
      expect(kept.json.verificationCount).toBe(3);
      expect(Date.parse(kept.json.lastUsedAt)).toBeLessThanOrEqual(startedAt);

      const revoked = await call(secondUrl, rootKey, "GET", `/v1/keys/${issued.revoked!.id}`);
      expect(revoked.json.verificationCount).toBeGreaterThanOrEqual(1);
      expect(revoked.json.lastUsedAt).toEqual(expect.any(String));

      // Revocation is durable across the restart.
      const refused = await call(secondUrl, rootKey, "POST", "/v1/keys/verify", { key: issued.revoked!.key });
      expect(refused.json).toMatchObject({ valid: false, code: "REVOKED" });
    } finally {
      const exit = await second.stop("SIGTERM");
      expect(exit.code).toBe(0);
    }
  });
});
