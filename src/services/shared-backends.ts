// The pieces a cluster shares through Redis (limiter state, the credit pool), or their in-memory
// versions on a single node. Either way the node keeps answering if Redis goes away.
import { Redis } from "ioredis";
import { FallbackCreditPool, MemoryCreditPool, RedisCreditPool, type CreditPool } from "../credits/index.js";
import { createLimiter, FAIL_FAST_OPTIONS, type StatusLimiter } from "../limits/index.js";
import type { KeywardMetrics } from "../metrics/index.js";
import type { CreditStore } from "../storage/port.js";

export interface SharedBackends {
  limiter: StatusLimiter;
  creditPool: CreditPool;
  close(): Promise<void>;
}

export interface SharedBackendOptions {
  redisUrl?: string;
  credits: CreditStore;
  metrics: KeywardMetrics;
  logger: { warn(object: object, message: string): void; info(object: object, message: string): void };
}

export async function createSharedBackends(options: SharedBackendOptions): Promise<SharedBackends> {
  const { metrics, logger } = options;
  const follow = (component: string) => (degraded: boolean) => metrics.degraded.set({ component }, degraded ? 1 : 0);
  // A busy event loop can fire a short timer before it reads a reply that has already arrived; each
  // false timeout would let this node decide alone for a while. Outages fail fast anyway (no offline
  // queue), so the timeout only has to catch a Redis that hangs.
  const limiter = await createLimiter({ redisUrl: options.redisUrl, logger, onStateChange: follow("limiter"), timeoutMs: 1_000 });
  if (!options.redisUrl) return { limiter, creditPool: new MemoryCreditPool(), close: async () => {} };

  const redis = new Redis(options.redisUrl, { ...FAIL_FAST_OPTIONS, lazyConnect: false });
  // ioredis reports connection trouble as 'error' events; the fallback pool handles the outage itself.
  redis.on("error", () => {});
  const creditPool = new FallbackCreditPool({
    primary: new RedisCreditPool(redis),
    giveBack: (ownerId, amount) => options.credits.giveBack(ownerId, amount),
    logger,
    onStateChange: follow("credit_pool"),
  });
  return {
    limiter,
    creditPool,
    close: async () => {
      redis.disconnect();
    },
  };
}
