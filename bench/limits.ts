// `npm run bench:limits`: limiter decisions per second, memory and Redis, against a baseline (an empty
// async call) measured in the same run. Redis comes from --redis URL or KEYWARD_TEST_REDIS_URL, else a
// private loopback redis-server is started when the binary exists. Options: --seconds N per case.
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { MemoryLimiter, RedisLimiter, type LimitRequest, type Limiter } from "../src/limits/index.js";
import { deleteKeys } from "../test/limits/adapters.js";
import { hasRedisServer, startRedisServer, type RedisServer } from "../test/limits/redis-server.js";
import { measure, report, type BenchCase, type BenchResult } from "./limits-harness.js";
import { verifyCases } from "./limits-verify.js";

const { values } = parseArgs({ options: { redis: { type: "string" }, seconds: { type: "string", default: "2" } } });
const seconds = Math.min(10, Math.max(0.5, Number(values.seconds) || 2));

// Many buckets with a high limit: decisions are mostly admissions, as on a healthy API.
const BUCKETS = 1_000;
const oneLimit = (index: number): LimitRequest[] => [{ bucket: `bench:${index % BUCKETS}`, name: "burst", limit: 1_000_000, durationMs: 60_000, cost: 1 }];
const threeLimits = (index: number): LimitRequest[] => [
  { bucket: `bench:${index % BUCKETS}:burst`, name: "burst", limit: 1_000_000, durationMs: 1_000, cost: 1 },
  { bucket: `bench:${index % BUCKETS}:hourly`, name: "hourly", limit: 1_000_000, durationMs: 3_600_000, cost: 1 },
  { bucket: `bench:identity:${index % 10}`, name: "daily", limit: 1_000_000_000, durationMs: 86_400_000, cost: 1 },
];

function limiterCases(label: string, limiter: Limiter, concurrency: number[]): BenchCase[] {
  return concurrency.flatMap((inFlight) => [
    { name: `${label}, 1 limit, ${inFlight} in flight`, concurrency: inFlight, run: (i: number) => limiter.check(oneLimit(i), Date.now()) },
    { name: `${label}, 3 limits, ${inFlight} in flight`, concurrency: inFlight, run: (i: number) => limiter.check(threeLimits(i), Date.now()) },
  ]);
}

async function redisTarget(): Promise<{ url: string; server: RedisServer | null } | null> {
  const url = values.redis ?? process.env.KEYWARD_TEST_REDIS_URL;
  if (url) return { url, server: null };
  if (!hasRedisServer()) return null;
  const server = await startRedisServer();
  return { url: server.url, server };
}

async function main(): Promise<void> {
  const noop = async () => {};
  const baseline = await measure({ name: "baseline: empty async call", run: noop }, seconds);
  const results: BenchResult[] = [];
  const run = async (cases: BenchCase[]) => {
    for (const bench of cases) results.push(await measure(bench, seconds));
  };

  const memory = new MemoryLimiter();
  await run(limiterCases("memory", memory, [1]));
  await memory.close();

  const target = await redisTarget();
  if (target) {
    const keyPrefix = `keyward:bench:${randomBytes(4).toString("hex")}:`;
    const redis = new RedisLimiter({ url: target.url, keyPrefix });
    try {
      if (!(await redis.ready(5_000))) throw new Error(`Redis at ${target.url} is not reachable`);
      await run(limiterCases("redis", redis, [1, 32]));
    } finally {
      await redis.close();
      await deleteKeys(target.url, keyPrefix);
      await target.server?.stop();
    }
  } else {
    console.log("redis: skipped (no --redis URL, no KEYWARD_TEST_REDIS_URL, no redis-server binary)\n");
  }

  const verify = await verifyCases();
  const [none, one] = [await measure(verify.cases[0]!, seconds), await measure(verify.cases[1]!, seconds)];
  await verify.close();
  results.push(none, one);

  console.log(`limiter decisions, ${seconds} s per case, node ${process.version}\n`);
  console.log(report(baseline, results));
  const ratio = none.perSecond / one.perSecond;
  console.log(`\nverify with one auto-applied limit costs ${ratio.toFixed(2)}x verify with none (same run)`);
  console.log(JSON.stringify({ bench: "limits", results, verifyLimitRatio: +ratio.toFixed(3) }));
}

await main();
