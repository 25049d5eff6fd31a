// The limiter adapters the contract runs against: memory always, Redis when KEYWARD_TEST_REDIS_URL
// names a server. Each Redis run gets its own random key prefix and deletes its keys afterwards.
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { MemoryLimiter, RedisLimiter, type Limiter } from "../../src/limits/index.js";
import { testRedisUrl } from "./redis-server.js";

export interface LimiterAdapter {
  name: string;
  shared: boolean;
  /** `count` limiters over one state: separate clients for Redis (nodes), one instance for memory. */
  open(count: number): Promise<Limiter[]>;
  cleanup(): Promise<void>;
}

function memoryAdapter(): LimiterAdapter {
  return {
    name: "memory",
    shared: false,
    async open(count) {
      // One node: concurrent callers share one in-process state.
      const limiter = new MemoryLimiter();
      return Array.from({ length: count }, () => limiter);
    },
    async cleanup() {},
  };
}

export async function deleteKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}

function redisAdapter(url: string): LimiterAdapter {
  const keyPrefix = `keyward:test:${randomBytes(6).toString("hex")}:`;
  const opened: RedisLimiter[] = [];
  return {
    name: "redis",
    shared: true,
    async open(count) {
      const limiters = Array.from({ length: count }, () => new RedisLimiter({ url, keyPrefix }));
      opened.push(...limiters);
      const ready = await Promise.all(limiters.map((limiter) => limiter.ready(5_000)));
      if (!ready.every(Boolean)) throw new Error(`Redis at ${url} did not become ready`);
      return limiters;
    },
    async cleanup() {
      await Promise.all(opened.splice(0).map((limiter) => limiter.close()));
      await deleteKeys(url, keyPrefix);
    },
  };
}

export function limiterAdapters(): LimiterAdapter[] {
  const url = testRedisUrl();
  return url ? [memoryAdapter(), redisAdapter(url)] : [memoryAdapter()];
}
