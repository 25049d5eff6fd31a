// Three Keyward processes on one database and one Redis, as a cluster runs: together they admit
// exactly a key's limit and spend exactly its credits; Redis dying mid-run crashes nothing, answers
// keep coming, and limits are exact again once Redis is back.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasRedisServer } from "../limits/redis-server.js";
import { startCluster, type Cluster } from "./cluster.js";

describe.skipIf(!hasRedisServer())("three nodes on one store and one Redis", () => {
  let cluster: Cluster;

  /** `total` verifications spread round-robin over the nodes, `concurrency` at a time; counts codes. */
  const hammer = async (key: string, total: number, concurrency = 24) => {
    const codes: Record<string, number> = {};
    let next = 0;
    const worker = async () => {
      while (next < total) {
        const url = cluster.urls[next++ % cluster.urls.length]!;
        const { status, json } = await cluster.api(url, "POST", "/v1/keys/verify", { key });
        const code = status === 200 ? json.code : `HTTP_${status}`;
        codes[code] = (codes[code] ?? 0) + 1;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return codes;
  };

  beforeAll(async () => {
    cluster = await startCluster({ postgresUrl: process.env.KEYWARD_TEST_POSTGRES_URL, env: { KEYWARD_CREDIT_BLOCK_SIZE: "20" } });
  }, 120_000);
  afterAll(() => cluster?.stop());

  it("admits exactly the limit across the three nodes", async () => {
    const key = await cluster.createKey({ ratelimits: [{ name: "burst", limit: 100, durationMs: 60_000, autoApply: true }] });
    const codes = await hammer(key.key, 360);
    expect(codes).toEqual({ VALID: 100, RATE_LIMITED: 260 });
  });

  it("spends exactly the credits across the three nodes", async () => {
    const key = await cluster.createKey({ credits: { remaining: 90 } });
    const codes = await hammer(key.key, 240);
    expect(codes).toEqual({ VALID: 90, USAGE_EXCEEDED: 150 });
    expect((await cluster.api(cluster.urls[1]!, "GET", `/v1/keys/${key.id}`)).json.credits.remaining).toBe(0);
  });

  it("keeps answering while Redis is down, and is exact again after Redis returns", async () => {
    const key = await cluster.createKey({ ratelimits: [{ name: "burst", limit: 1_000_000, durationMs: 60_000, autoApply: true }] });
    const during = hammer(key.key, 600, 6);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await cluster.redis!.kill();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const outage = await hammer(key.key, 90, 6);
    await cluster.redis!.restart();
    const before = await during;
    // Every request got an answer, and every node is still alive.
    expect(Object.keys({ ...before, ...outage }).filter((code) => code !== "VALID")).toEqual([]);
    for (const node of cluster.nodes) expect(node.child.exitCode).toBeNull();
    for (const url of cluster.urls) expect((await cluster.api(url, "GET", "/readyz")).status).toBe(200);

    // Each node notices Redis again by itself.
    const deadline = Date.now() + 15_000;
    for (const url of cluster.urls) {
      while ((await cluster.api(url, "GET", "/readyz")).json.checks.limiter !== "ok") {
        if (Date.now() > deadline) throw new Error(`node ${url} did not recover`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    const after = await cluster.createKey({ ratelimits: [{ name: "burst", limit: 100, durationMs: 60_000, autoApply: true }] });
    expect(await hammer(after.key, 300)).toEqual({ VALID: 100, RATE_LIMITED: 200 });
    // Log lines only: the first node's stdout also holds the one-time root key notice, on purpose.
    const logs = cluster.nodes.flatMap((node) => (node.stdout() + node.stderr()).split("\n").filter((line) => line.startsWith("{"))).join("\n");
    expect(logs).toMatch(/Redis/);
    expect(logs).not.toContain(cluster.rootKey);
  }, 60_000);
});
