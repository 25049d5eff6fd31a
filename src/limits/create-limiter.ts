// Picks the limiter for a deployment: in-memory on a single node, Redis behind the local fallback
// when a Redis URL is configured (DESIGN §9).
import { FallbackLimiter, type LimiterLogger } from "./fallback-limiter.js";
import { MemoryLimiter } from "./memory/memory-limiter.js";
import type { Limiter, LimiterStatus } from "./port.js";
import { RedisLimiter } from "./redis/redis-limiter.js";

export interface CreateLimiterOptions {
  /** `KEYWARD_REDIS_URL`; absent means one node with in-memory limits. */
  redisUrl?: string;
  logger: LimiterLogger;
  /** Follows the degraded state (true = deciding locally), e.g. to set a Prometheus gauge. */
  onStateChange?: (degraded: boolean) => void;
  /** Prefix of the Redis keys (default `keyward:rl:`). */
  keyPrefix?: string;
  /** How long a check waits for Redis before answering locally (default 100 ms). */
  timeoutMs?: number;
  /** How long start-up waits for the first Redis connection before starting degraded (default 2 s). */
  connectTimeoutMs?: number;
}

export type StatusLimiter = Limiter & { status(): LimiterStatus };

export async function createLimiter(options: CreateLimiterOptions): Promise<StatusLimiter> {
  if (!options.redisUrl) return new MemoryLimiter();
  const redis = new RedisLimiter({ url: options.redisUrl, keyPrefix: options.keyPrefix });
  const limiter = new FallbackLimiter({
    primary: redis,
    logger: options.logger,
    onStateChange: options.onStateChange,
    timeoutMs: options.timeoutMs,
  });
  // A node whose Redis is down at start-up still starts, deciding locally until the connection comes.
  if (!(await redis.ready(options.connectTimeoutMs ?? 2_000))) {
    limiter.degrade(redis.lastConnectionError ?? new Error("Redis did not become ready"));
  }
  return limiter;
}
