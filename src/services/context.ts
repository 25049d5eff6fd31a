// What every service needs: the store, the verify machinery, the clock and the random source.
import { randomBytes } from "node:crypto";
import type { AuditSigningKey, RandomBytes } from "../core/index.js";
import { CreditLedger, FallbackCreditPool, MemoryCreditPool, type CreditPool } from "../credits/index.js";
import { createMemoryLimiter } from "../limits/memory/memory-limiter.js";
import type { StatusLimiter } from "../limits/index.js";
import type { ChangeBus } from "../bus/index.js";
import { createMetrics, type KeywardMetrics } from "../metrics/index.js";
import type { Store } from "../storage/port.js";
import { createInvalidation, type Invalidation } from "./invalidation.js";
import { recordCreditsLow } from "./credits-low.js";
import { createWebhookSettings, type WebhookSettings } from "./webhook-settings.js";
import { ImportedKeyGate, UsageRecorder, Verifier, VerifyCache, type UsageLogger, type VerifyCacheOptions } from "../verify/index.js";

export interface ServiceContext {
  store: Store;
  cache: VerifyCache;
  usage: UsageRecorder;
  verifier: Verifier;
  limiter: StatusLimiter;
  ledger: CreditLedger;
  /** The credit pool; a private (memory) one is given back to the store on shutdown. */
  creditPool: CreditPool;
  /** Drops stale cache entries here and, through the change bus, on every other node. */
  invalidation: Invalidation;
  metrics: KeywardMetrics;
  /** Signs audit checkpoints; null: checkpoints are off (KEYWARD_AUDIT_SIGNING_KEY unset). */
  auditKey: AuditSigningKey | null;
  /** Webhook target rules, and the wake-up call of this node's delivery worker. */
  webhooks: WebhookSettings;
  now: () => Date;
  random: RandomBytes;
}

export interface ServiceContextOptions {
  store: Store;
  logger: UsageLogger;
  cache?: Partial<VerifyCacheOptions>;
  /** Default: an in-memory limiter (one node). */
  limiter?: StatusLimiter;
  /** Default: an in-memory pool (one node). */
  creditPool?: CreditPool;
  /** Default: local (one node). */
  bus?: ChangeBus;
  /** Credits leased from the store per write. */
  creditBlockSize?: number;
  now?: () => Date;
  random?: RandomBytes;
  metrics?: KeywardMetrics;
  auditKey?: AuditSigningKey | null;
  /** Default: internal targets refused, system DNS, no worker to wake. */
  webhooks?: Partial<WebhookSettings>;
}

export function createServiceContext(options: ServiceContextOptions): ServiceContext {
  let self: ServiceContext | undefined;
  const now = options.now ?? (() => new Date());
  const metrics = options.metrics ?? createMetrics();
  const cache = new VerifyCache({ maxEntries: 200_000, ttlMs: 60_000, negativeTtlMs: 10_000, ...options.cache });
  const usage = new UsageRecorder(options.store.keys, options.logger, (outcome) => metrics.usageFlushes.inc({ outcome }));
  const limiter = options.limiter ?? createMemoryLimiter();
  const creditPool = options.creditPool ?? new MemoryCreditPool();
  const ledger = new CreditLedger({
    store: options.store.credits,
    pool: creditPool,
    ...(options.creditBlockSize ? { blockSize: options.creditBlockSize } : {}),
    logger: options.logger,
    // Bound below: the audit entry needs the whole context, which needs the ledger.
    recordLow: (owner, at, remaining) => recordCreditsLow(self!, owner, at, remaining),
    onLow: (owner) => {
      metrics.creditsLow.inc();
      options.logger.info?.({ ownerId: owner.ownerId, workspaceId: owner.workspaceId }, "credits.low");
    },
  });
  // The real clock is read without a Date per verification; an injected clock (tests) is used as given.
  const nowMs = options.now ? () => now().getTime() : Date.now;
  // Read once now; the change bus keeps it current (an import here or on another node adds its API).
  const imported = new ImportedKeyGate(() => options.store.apis.listHoldingImportedKeys());
  void imported.load();
  const verifier = new Verifier({ keys: options.store.keys, cache, usage, limiter, ledger, metrics, now: nowMs, imported });
  const invalidation = createInvalidation(cache, options.bus, options.logger, imported);
  const auditKey = options.auditKey ?? null;
  const webhooks = createWebhookSettings(options.webhooks);
  self = { store: options.store, cache, usage, verifier, limiter, ledger, creditPool, invalidation, metrics, auditKey, webhooks, now, random: options.random ?? randomBytes };
  return self;
}

/**
 * Graceful stop of everything the context holds in memory: usage counters are written, leased
 * credits of a private pool go back to the store, the limiter lets go of its connections.
 */
export async function closeServiceContext(ctx: ServiceContext): Promise<void> {
  ctx.usage.stop();
  ctx.invalidation.detach();
  await ctx.usage.flush();
  if (ctx.creditPool instanceof MemoryCreditPool) await ctx.ledger.returnLeases(ctx.creditPool.drainAll());
  if (ctx.creditPool instanceof FallbackCreditPool) await ctx.ledger.returnLeases(ctx.creditPool.drainLocal());
  await ctx.limiter.close();
}
