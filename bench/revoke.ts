// npm run bench:revoke — three Keyward processes; 200 revocations on node 0; for each, the time from
// the revoke call's answer until both other nodes refuse the key. Target: p99 ≤ 100 ms. The baseline,
// measured in the same run, is one verify round trip: no propagation can be seen faster than that.
import { hasRedisServer } from "../test/limits/redis-server.js";
import { startCluster } from "../test/cluster/cluster.js";
import { measureRevocations, percentile } from "../test/cluster/revocation.js";

const count = Number(process.argv.find((arg) => arg.startsWith("--count="))?.slice(8) ?? 200);
const postgresUrl = process.env.KEYWARD_TEST_POSTGRES_URL ?? process.argv.find((arg) => arg.startsWith("--postgres="))?.slice(11);
const modes = [
  ...(hasRedisServer() ? [{ name: "redis pub/sub", redis: true }] : []),
  ...(postgresUrl ? [{ name: "postgres listen/notify", redis: false }] : []),
];
if (modes.length === 0) {
  console.error("bench:revoke needs redis-server (apt-get install -y redis-server) or KEYWARD_TEST_POSTGRES_URL");
  process.exit(2);
}

const rows = [];
for (const mode of modes) {
  const cluster = await startCluster({ redis: mode.redis, ...(postgresUrl ? { postgresUrl } : {}), env: { KEYWARD_CACHE_TTL_MS: "3600000" } });
  try {
    const key = await cluster.createKey({ name: "baseline" });
    const rtts: number[] = [];
    for (let i = 0; i < 200; i++) {
      const started = performance.now();
      await cluster.api(cluster.urls[1]!, "POST", "/v1/keys/verify", { key: key.key });
      rtts.push(performance.now() - started);
    }
    const { samples } = await measureRevocations(cluster, count);
    const rtt = percentile(rtts, 50);
    rows.push({
      mode: mode.name,
      revocations: samples.length,
      "verify rtt p50 ms": +rtt.toFixed(2),
      "p50 ms": +percentile(samples, 50).toFixed(2),
      "p99 ms": +percentile(samples, 99).toFixed(2),
      "max ms": +Math.max(...samples).toFixed(2),
      "p99 / rtt": +(percentile(samples, 99) / rtt).toFixed(1),
      "p99 ≤ 100 ms": percentile(samples, 99) <= 100,
    });
  } finally {
    await cluster.stop();
  }
}
console.table(rows);
console.log(JSON.stringify({ bench: "revoke", rows }));
