// What every service needs: the store, the verify machinery, the clock and the random source.
import { randomBytes } from "node:crypto";
import type { RandomBytes } from "../core/index.js";
import { createMetrics, type KeywardMetrics } from "../metrics/index.js";
import type { Store } from "../storage/port.js";
import { UsageRecorder, Verifier, VerifyCache, type UsageLogger, type VerifyCacheOptions } from "../verify/index.js";

export interface ServiceContext {
  store: Store;
  cache: VerifyCache;
  usage: UsageRecorder;
  verifier: Verifier;
  metrics: KeywardMetrics;
  now: () => Date;
  random: RandomBytes;
}

export interface ServiceContextOptions {
  store: Store;
  logger: UsageLogger;
  cache?: Partial<VerifyCacheOptions>;
  now?: () => Date;
  random?: RandomBytes;
  metrics?: KeywardMetrics;
}

export function createServiceContext(options: ServiceContextOptions): ServiceContext {
  const now = options.now ?? (() => new Date());
  const metrics = options.metrics ?? createMetrics();
  const cache = new VerifyCache({ maxEntries: 200_000, ttlMs: 60_000, negativeTtlMs: 10_000, ...options.cache });
  const usage = new UsageRecorder(options.store.keys, options.logger, (outcome) => metrics.usageFlushes.inc({ outcome }));
  const verifier = new Verifier({ keys: options.store.keys, cache, usage, metrics, now: () => now().getTime() });
  return { store: options.store, cache, usage, verifier, metrics, now, random: options.random ?? randomBytes };
}
