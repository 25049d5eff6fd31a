// One Keyward node's machinery from its configuration: store (migrated), shared backends (limiter,
// credit pool), change bus and service context. The server and the embedded gateway both start here.
import type { Logger } from "pino";
import { createChangeBus, type ChangeBus } from "../bus/index.js";
import type { KeywardConfig } from "../config/index.js";
import type { AuditSigningKey } from "../core/index.js";
import { createMetrics } from "../metrics/index.js";
import { createStore } from "../storage/index.js";
import type { Store } from "../storage/port.js";
import { closeServiceContext, createServiceContext, type ServiceContext } from "./context.js";
import { createSharedBackends } from "./shared-backends.js";
import { createLifecycleSweeper } from "../lifecycle/index.js";
import { createWebhookWorker, parseRetrySchedule } from "../webhooks/webhook-worker.js";
import { loadSecretsKeys } from "../webhooks/secrets-key.js";

export interface KeywardNode {
  store: Store;
  ctx: ServiceContext;
  bus: ChangeBus;
  /** Flushes usage, gives back leases, then closes bus, backends and store, in that order. */
  close(): Promise<void>;
}

export async function openNode(config: KeywardConfig, logger: Logger, options: { auditKey?: AuditSigningKey | null } = {}): Promise<KeywardNode> {
  // Before anything opens: a named secrets key that cannot be used stops the start.
  const secrets = config.secretsKey ? loadSecretsKeys(config.secretsKey) : null;
  if (secrets?.looseMode) logger.warn({ file: config.secretsKey }, "the secrets key file is readable by group or others: chmod 600 it");
  const store = await createStore({ url: config.databaseUrl });
  const metrics = createMetrics();
  const backends = await createSharedBackends({ redisUrl: config.redisUrl, credits: store.credits, metrics, logger });
  const bus = createChangeBus({ redisUrl: config.redisUrl, databaseUrl: config.databaseUrl, logger });
  const ctx = createServiceContext({
    store,
    logger,
    metrics,
    limiter: backends.limiter,
    creditPool: backends.creditPool,
    bus,
    creditBlockSize: config.creditBlockSize,
    cache: { maxEntries: config.cacheMaxEntries, ttlMs: config.cacheTtlMs, negativeTtlMs: config.negativeCacheTtlMs },
    auditKey: options.auditKey ?? null,
    webhooks: { allowInternal: config.webhooksAllowInternal, secretsKeys: secrets?.keys ?? null },
  });
  ctx.usage.start(config.usageFlushIntervalMs);
  const webhooks = createWebhookWorker({
    ctx,
    logger,
    pollIntervalMs: config.webhookPollIntervalMs,
    timeoutMs: config.webhookTimeoutMs,
    schedule: parseRetrySchedule(config.webhookRetryScheduleMs),
  });
  webhooks.start();
  // Each node sweeps; the marks make every announcement happen once however many do.
  const sweeper = createLifecycleSweeper(ctx, { intervalMs: config.lifecycleSweepIntervalMs, logger });
  sweeper.start();
  return {
    store,
    ctx,
    bus,
    async close() {
      // First: sends in flight are aborted and their leases given back before the store goes.
      await sweeper.stop();
      await webhooks.stop();
      await closeServiceContext(ctx);
      await bus.close();
      await backends.close();
      await store.close();
    },
  };
}
