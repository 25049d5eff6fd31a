// From leak report to refusal on every node: a key every node has cached (for an hour) is reported on
// one node — by GitHub, signed, or by a root key — and all three nodes refuse it within one second of
// the report being sent.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempDir } from "../e2e/support/keyward-process.js";
import { hasRedisServer } from "../limits/redis-server.js";
import { githubSigner } from "../leaks/support.js";
import { startCluster, type Cluster } from "./cluster.js";

const postgresUrl = process.env.KEYWARD_TEST_POSTGRES_URL;
const modes = [
  { name: "Redis pub/sub", available: hasRedisServer(), options: { redis: true, postgresUrl } },
  { name: "PostgreSQL LISTEN/NOTIFY", available: Boolean(postgresUrl), options: { redis: false, postgresUrl } },
];
const REFUSED_WITHIN_MS = 1_000;

describe.each(modes.filter((mode) => mode.available))("leak reports across three nodes over $name", ({ options }) => {
  const temp = makeTempDir("cluster-leaks");
  const signer = githubSigner();
  let cluster: Cluster;

  beforeAll(async () => {
    const keysFile = join(temp.dir, "github-keys.json");
    writeFileSync(keysFile, signer.keysFile);
    cluster = await startCluster({ ...options, env: { KEYWARD_CACHE_TTL_MS: "3600000", KEYWARD_GITHUB_SCANNING_KEYS: keysFile } });
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
    temp.remove();
  });

  /** A fresh key that every node has answered VALID for, so each holds it in its cache. */
  async function cachedEverywhere() {
    const key = await cluster.createKey({ name: "leaky" });
    for (const url of cluster.urls) expect((await cluster.api(url, "POST", "/v1/keys/verify", { key: key.key })).json.code).toBe("VALID");
    return key;
  }

  /** Milliseconds from `sentAt` until every node answered `code` for the key. */
  async function refusedEverywhere(key: string, code: string, sentAt: number): Promise<number> {
    const waits = await Promise.all(
      cluster.urls.map(async (url) => {
        for (;;) {
          const { json } = await cluster.api(url, "POST", "/v1/keys/verify", { key });
          if (json.code === code) return performance.now() - sentAt;
          if (performance.now() - sentAt > 10_000) throw new Error(`${url} still answers ${json.code} 10 s after the report`);
        }
      }),
    );
    return Math.max(...waits);
  }

  it("a GitHub report sent to one node has every node refuse the key within a second", async () => {
    const key = await cachedEverywhere();
    const body = JSON.stringify([{ token: key.key, type: "keyward_api_key", url: "https://github.com/o/r/blob/1/.env", source: "commit" }]);
    const sentAt = performance.now();
    const reply = await fetch(`${cluster.urls[1]}/v1/leaks/github`, { method: "POST", headers: signer.headers(body), body });
    expect(reply.status).toBe(200);
    expect(await refusedEverywhere(key.key, "REVOKED", sentAt)).toBeLessThan(REFUSED_WITHIN_MS);
  }, 30_000);

  it("a root key's report sent to one node does the same", async () => {
    const key = await cachedEverywhere();
    const sentAt = performance.now();
    const reply = await cluster.api(cluster.urls[2]!, "POST", "/v1/leaks", { findings: [{ key: key.key, source: { path: ".env", line: 1 } }] });
    expect(reply.json.results[0].outcome).toBe("revoked");
    expect(await refusedEverywhere(key.key, "REVOKED", sentAt)).toBeLessThan(REFUSED_WITHIN_MS);
  }, 30_000);

  it("a leaked retired secret stops working on every node within a second, the new one keeps working", async () => {
    const key = await cachedEverywhere();
    const rotated = (await cluster.api(cluster.urls[0]!, "POST", `/v1/keys/${key.id}/rotate`, { gracePeriodSeconds: 3600 })).json;
    for (const url of cluster.urls) expect((await cluster.api(url, "POST", "/v1/keys/verify", { key: key.key })).json.code).toBe("VALID");
    const sentAt = performance.now();
    await cluster.api(cluster.urls[1]!, "POST", "/v1/leaks", { findings: [{ key: key.key }] });
    expect(await refusedEverywhere(key.key, "EXPIRED", sentAt)).toBeLessThan(REFUSED_WITHIN_MS);
    for (const url of cluster.urls) expect((await cluster.api(url, "POST", "/v1/keys/verify", { key: rotated.key })).json.code).toBe("VALID");
  }, 30_000);
});
