// Three Keyward processes on one database and one Redis, as a cluster runs: together they admit
// exactly a key's limit and spend exactly its credits; Redis dying mid-run crashes nothing, answers
// keep coming, and limits are exact again once Redis is back.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, freePort, killAll, makeTempDir, spawnKeyward, ROOT_KEY, type KeywardProcess } from "../e2e/support/keyward-process.js";
import { hasRedisServer, startRedisServer, type RedisServer } from "../limits/redis-server.js";

const postgresUrl = process.env.KEYWARD_TEST_POSTGRES_URL;

describe.skipIf(!hasRedisServer())("three nodes on one store and one Redis", () => {
  const temp = makeTempDir("cluster");
  const nodes: KeywardProcess[] = [];
  const urls: string[] = [];
  let redis: RedisServer;
  let rootKey = "";
  let apiId = "";
  let databaseUrl = join(temp.dir, "keyward.db");
  let dropDatabase = async () => {};

  const api = async (url: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(url + path, {
      method,
      headers: { authorization: `Bearer ${rootKey}`, ...(body ? { "content-type": "application/json" } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, json: (await response.json()) as any };
  };

  /** `total` verifications spread round-robin over the nodes, `concurrency` at a time; counts codes. */
  const hammer = async (key: string, total: number, concurrency = 24) => {
    const codes: Record<string, number> = {};
    let next = 0;
    const worker = async () => {
      while (next < total) {
        const url = urls[next++ % urls.length]!;
        const { status, json } = await api(url, "POST", "/v1/keys/verify", { key });
        const code = status === 200 ? json.code : `HTTP_${status}`;
        codes[code] = (codes[code] ?? 0) + 1;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return codes;
  };

  const createKey = async (body: Record<string, unknown>) => (await api(urls[0]!, "POST", "/v1/keys", { apiId, ...body })).json;

  beforeAll(async () => {
    await ensureBuilt();
    redis = await startRedisServer();
    if (postgresUrl) {
      // A database of its own, so the bootstrap runs on an empty install.
      const name = `keyward_cluster_${randomBytes(4).toString("hex")}`;
      const admin = new pg.Client({ connectionString: postgresUrl });
      await admin.connect();
      await admin.query(`create database ${name}`);
      await admin.end();
      const url = new URL(postgresUrl);
      url.pathname = `/${name}`;
      databaseUrl = url.toString();
      dropDatabase = async () => {
        const client = new pg.Client({ connectionString: postgresUrl });
        await client.connect();
        await client.query(`drop database if exists ${name} with (force)`);
        await client.end();
      };
    }
    const env = async () => ({
      KEYWARD_PORT: String(await freePort()),
      KEYWARD_DATABASE_URL: databaseUrl,
      KEYWARD_REDIS_URL: redis.url,
      KEYWARD_LOG_LEVEL: "info",
      KEYWARD_CREDIT_BLOCK_SIZE: "20",
    });
    // The first node bootstraps the install; the others join it.
    nodes.push(spawnKeyward(await env(), { cwd: temp.dir }));
    urls.push(await nodes[0]!.listening());
    rootKey = nodes[0]!.stdout().match(ROOT_KEY)![0];
    for (let i = 0; i < 2; i++) {
      nodes.push(spawnKeyward(await env(), { cwd: temp.dir }));
      urls.push(await nodes[i + 1]!.listening());
    }
    apiId = (await api(urls[0]!, "POST", "/v1/apis", { name: "cluster", prefix: "clu" })).json.id;
  }, 120_000);

  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    killAll();
    await redis?.stop();
    await dropDatabase();
    temp.remove();
  });

  it("admits exactly the limit across the three nodes", async () => {
    const key = await createKey({ ratelimits: [{ name: "burst", limit: 100, durationMs: 60_000, autoApply: true }] });
    const codes = await hammer(key.key, 360);
    expect(codes).toEqual({ VALID: 100, RATE_LIMITED: 260 });
  });

  it("spends exactly the credits across the three nodes", async () => {
    const key = await createKey({ credits: { remaining: 90 } });
    const codes = await hammer(key.key, 240);
    expect(codes).toEqual({ VALID: 90, USAGE_EXCEEDED: 150 });
    expect((await api(urls[1]!, "GET", `/v1/keys/${key.id}`)).json.credits.remaining).toBe(0);
  });

  it("keeps answering while Redis is down, and is exact again after Redis returns", async () => {
    const key = await createKey({ ratelimits: [{ name: "burst", limit: 1_000_000, durationMs: 60_000, autoApply: true }] });
    const during = hammer(key.key, 600, 6);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await redis.kill();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const outage = await hammer(key.key, 90, 6);
    await redis.restart();
    const before = await during;
    // Every request got an answer, and every node is still alive.
    expect(Object.keys({ ...before, ...outage }).filter((code) => code !== "VALID")).toEqual([]);
    for (const node of nodes) expect(node.child.exitCode).toBeNull();
    for (const url of urls) expect((await api(url, "GET", "/readyz")).status).toBe(200);

    // Each node notices Redis again by itself.
    const deadline = Date.now() + 15_000;
    for (const url of urls) {
      while ((await api(url, "GET", "/readyz")).json.checks.limiter !== "ok") {
        if (Date.now() > deadline) throw new Error(`node ${url} did not recover`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    const after = await createKey({ ratelimits: [{ name: "burst", limit: 100, durationMs: 60_000, autoApply: true }] });
    expect(await hammer(after.key, 300)).toEqual({ VALID: 100, RATE_LIMITED: 200 });
    // Log lines only: the first node's stdout also holds the one-time root key notice, on purpose.
    const logs = nodes.flatMap((node) => (node.stdout() + node.stderr()).split("\n").filter((line) => line.startsWith("{"))).join("\n");
    expect(logs).toMatch(/Redis/);
    expect(logs).not.toContain(rootKey);
  }, 60_000);
});
