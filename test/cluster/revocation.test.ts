// Revocation reaches every node: over Redis pub/sub, or PostgreSQL LISTEN/NOTIFY without Redis. From
// the moment the revoke call returns, the other nodes refuse the key — although each had it cached.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasRedisServer } from "../limits/redis-server.js";
import { startCluster, type Cluster } from "./cluster.js";
import { measureRevocations, percentile } from "./revocation.js";

const postgresUrl = process.env.KEYWARD_TEST_POSTGRES_URL;
const modes = [
  { name: "Redis pub/sub", available: hasRedisServer(), options: { redis: true, postgresUrl } },
  { name: "PostgreSQL LISTEN/NOTIFY", available: Boolean(postgresUrl), options: { redis: false, postgresUrl } },
];

describe.each(modes.filter((mode) => mode.available))("revocation across three nodes over $name", ({ options }) => {
  let cluster: Cluster;
  beforeAll(async () => {
    // A cache TTL of an hour: only the change bus can explain a refusal within the test.
    cluster = await startCluster({ ...options, env: { KEYWARD_CACHE_TTL_MS: "3600000" } });
  }, 120_000);
  afterAll(() => cluster?.stop());

  it("has every node refuse a revoked key promptly, though each had it cached", async () => {
    const { samples } = await measureRevocations(cluster, 20);
    // The bench (npm run bench:revoke) holds the 100 ms p99 target; a loaded CI machine gets slack here.
    expect(percentile(samples, 50)).toBeLessThan(250);
    expect(Math.max(...samples)).toBeLessThan(2_000);
  }, 60_000);

  it("carries permission changes and disabling too", async () => {
    const key = await cluster.createKey({ permissions: ["docs:read"] });
    for (const url of cluster.urls) expect((await cluster.api(url, "POST", "/v1/keys/verify", { key: key.key, permissions: "docs:read" })).json.code).toBe("VALID");
    await cluster.api(cluster.urls[0]!, "PATCH", `/v1/keys/${key.id}`, { permissions: [] });
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const url of cluster.urls.slice(1)) {
      expect((await cluster.api(url, "POST", "/v1/keys/verify", { key: key.key, permissions: "docs:read" })).json.code).toBe("INSUFFICIENT_PERMISSIONS");
    }
    await cluster.api(cluster.urls[0]!, "PATCH", `/v1/keys/${key.id}`, { enabled: false });
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const url of cluster.urls.slice(1)) expect((await cluster.api(url, "POST", "/v1/keys/verify", { key: key.key })).json.code).toBe("DISABLED");
  }, 30_000);
});
