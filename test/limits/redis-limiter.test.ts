// What only the Redis adapter has: its own clock, key prefix, compact keys that expire by themselves.
import { randomBytes, randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisLimiter, type LimitRequest } from "../../src/limits/index.js";
import { deleteKeys } from "./adapters.js";
import { testRedisUrl } from "./redis-server.js";

const url = testRedisUrl();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!url)("Redis limiter", () => {
  const keyPrefix = `keyward:test:${randomBytes(6).toString("hex")}:`;
  let limiter: RedisLimiter;
  let redis: Redis;
  const request = (bucket: string, limit: number, durationMs: number, cost = 1): LimitRequest => ({ bucket, name: "burst", limit, durationMs, cost });

  beforeAll(async () => {
    limiter = new RedisLimiter({ url: url!, keyPrefix });
    redis = new Redis(url!);
    expect(await limiter.ready(5_000)).toBe(true);
  });

  afterAll(async () => {
    await limiter.close();
    redis.disconnect();
    await deleteKeys(url!, keyPrefix);
  });

  it("decides on Redis's clock, whatever time the caller passes", async () => {
    const bucket = randomUUID();
    expect((await limiter.check([request(bucket, 1, 60_000)], 0)).allowed).toBe(true);
    // A caller whose clock is a day ahead would see an empty window; the shared timeline does not.
    expect((await limiter.check([request(bucket, 1, 60_000)], Date.now() + 86_400_000)).allowed).toBe(false);
  });

  it("keeps a bucket under its prefix, compact, expiring when its last entry does", async () => {
    const bucket = randomUUID();
    for (let i = 0; i < 200; i++) await limiter.check([request(bucket, 1_000, 5_000)], 0);
    const key = keyPrefix + bucket;
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(4_000);
    expect(ttl).toBeLessThanOrEqual(5_000);
    // 200 admissions merge into at most one entry per slot: a few numbers, not 200.
    const value = (await redis.get(key))!;
    expect(value.split(" ").length % 3).toBe(0);
    expect(value.split(" ").length / 3).toBeLessThanOrEqual(66);
    expect(value.length).toBeLessThan(2_000);
  });

  it("lets a short window's key vanish from Redis once it has passed", async () => {
    const bucket = randomUUID();
    await limiter.check([request(bucket, 5, 300)], 0);
    expect(await redis.exists(keyPrefix + bucket)).toBe(1);
    await sleep(400);
    expect(await redis.exists(keyPrefix + bucket)).toBe(0);
  });

  it("writes nothing for a report (cost 0) or a refused request", async () => {
    const bucket = randomUUID();
    await limiter.check([request(bucket, 5, 5_000, 0)], 0);
    await limiter.check([request(bucket, 5, 5_000, 6)], 0);
    await limiter.check([request(`${bucket}:ok`, 5, 5_000, 1), request(bucket, 0, 5_000, 1)], 0);
    expect(await redis.exists(keyPrefix + bucket, `${keyPrefix + bucket}:ok`)).toBe(0);
  });

  it("fails fast, and never hangs, when the server cannot be reached", async () => {
    const dead = new RedisLimiter({ url: "redis://127.0.0.1:1", keyPrefix });
    const started = Date.now();
    await expect(dead.check([request(randomUUID(), 1, 1_000)], 0)).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1_000);
    await dead.close();
  });
});
