// The delivery worker every node runs: polls the outbox (and wakes when this node writes to it),
// leases due deliveries, sends them signed per Standard Webhooks, and records each attempt. Leases
// make concurrent nodes safe; a crash only delays a delivery until its lease runs out (at-least-once).
import { randomUUID } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { DEFAULT_RETRY_SCHEDULE_MS, openSecret, planAfterAttempt, SecretUnavailableError, signingSecrets, type DeliveryPlan } from "../core/index.js";
import { disableGoneWebhook, type ServiceContext } from "../services/index.js";
import type { ClaimedDelivery, DeliveryNext } from "../storage/port.js";
import { createWebhookSender, type SendOutcome, type WebhookSender } from "./send-webhook.js";

export interface WorkerLogger {
  info?(object: object, message: string): void;
  warn(object: object, message: string): void;
}

export interface WebhookWorkerOptions {
  ctx: ServiceContext;
  logger: WorkerLogger;
  pollIntervalMs?: number;
  timeoutMs?: number;
  /** Waits before retry 1, 2, …; default DEFAULT_RETRY_SCHEDULE_MS. */
  schedule?: readonly number[];
  /** Deliveries leased (and sent concurrently) per round. */
  batchSize?: number;
}

export interface WebhookWorker {
  start(): void;
  /** Looks for due deliveries soon (after the writing transaction had time to commit). */
  wake(): void;
  /** Stops polling and aborts sends in flight; their leases are given back, not counted as attempts. */
  stop(): Promise<void>;
}

const WAKE_DELAY_MS = 25;

export function createWebhookWorker(options: WebhookWorkerOptions): WebhookWorker {
  const { ctx, logger } = options;
  const pollIntervalMs = options.pollIntervalMs ?? 1_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const schedule = options.schedule ?? DEFAULT_RETRY_SCHEDULE_MS;
  const batchSize = options.batchSize ?? 10;
  // A lease outlives the longest attempt, so only a dead node's lease ever expires under a live send.
  const leaseMs = timeoutMs * 2 + 30_000;
  const stopping = new AbortController();
  let sender: WebhookSender | null = null;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let started = false;

  function schedule_(delayMs: number) {
    if (stopping.signal.aborted || !started) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void tick(), delayMs);
    timer.unref();
  }

  async function tick(): Promise<void> {
    timer = null;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        try {
          const claimed = await claim();
          await Promise.all(claimed.map((delivery) => deliver(delivery)));
          // A full batch: more are probably due.
          if (claimed.length === batchSize) again = true;
        } catch (error) {
          if (!stopping.signal.aborted) logger.warn({ err: describe(error) }, "webhook delivery round failed");
        }
      } while (again && !stopping.signal.aborted);
    })();
    await running;
    running = null;
    schedule_(pollIntervalMs);
  }

  function claim(): Promise<ClaimedDelivery[]> {
    const now = ctx.now();
    return ctx.store.webhooks.claimDue(now, new Date(now.getTime() + leaseMs), batchSize, randomUUID());
  }

  /** One attempt's outcome. A secret that cannot be opened sends nothing (never unsigned): a failed attempt, retried on the schedule, so restoring the key lets it through. */
  function signAndSend(delivery: ClaimedDelivery, at: Date): Promise<SendOutcome> {
    let signature: string;
    try {
      // During a secret's overlap both secrets sign: receivers on either one verify (space-separated, per the spec).
      signature = signingSecrets(delivery.secrets, at)
        .map((stored) => new Webhook(openSecret(ctx.webhooks.secretsKeys, stored, delivery.endpointId)).sign(delivery.id, at, delivery.payload))
        .join(" ");
    } catch (error) {
      if (!(error instanceof SecretUnavailableError)) throw error;
      return Promise.resolve({ status: null, retryAfter: null, error: error.message, durationMs: 0 });
    }
    const headers = {
      "content-type": "application/json",
      "user-agent": "Keyward-Webhooks/1",
      "webhook-id": delivery.id,
      "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
      "webhook-signature": signature,
    };
    return sender!.send(delivery.url, headers, delivery.payload, stopping.signal);
  }

  async function deliver(delivery: ClaimedDelivery): Promise<void> {
    const attempt = delivery.attempts + 1;
    const at = ctx.now();
    let outcome: SendOutcome;
    try {
      outcome = await signAndSend(delivery, at);
    } catch (error) {
      // Stopping: not an attempt; the next start (or another node) sends it at once.
      await ctx.store.webhooks.release(delivery.id, delivery.claimToken).catch(() => undefined);
      if (!stopping.signal.aborted) throw error;
      return;
    }
    const plan = planAfterAttempt({ attempts: attempt, outcome, now: ctx.now(), schedule, unit: randomUnit(ctx) });
    const recorded = await ctx.store.webhooks.recordAttempt(
      delivery.id,
      delivery.claimToken,
      { attempt, at, statusCode: outcome.status, error: outcome.error, durationMs: outcome.durationMs },
      nextOf(plan),
    );
    const log = { deliveryId: delivery.id, endpointId: delivery.endpointId, event: delivery.eventType, attempt, status: outcome.status, outcome: plan.kind };
    if (plan.kind === "delivered") logger.info?.(log, "webhook delivered");
    else logger.warn({ ...log, error: outcome.error }, "webhook attempt failed");
    if (plan.kind === "gone" && recorded) {
      if (await disableGoneWebhook(ctx, delivery.workspaceId, delivery.endpointId)) logger.warn({ endpointId: delivery.endpointId }, "webhook endpoint disabled: the receiver answered 410 Gone");
    }
  }

  return {
    start() {
      if (started) return;
      started = true;
      sender = createWebhookSender({ allowInternal: ctx.webhooks.allowInternal, lookup: ctx.webhooks.lookup, timeoutMs });
      ctx.webhooks.wake = () => {
        if (!running) schedule_(WAKE_DELAY_MS);
        else again = true;
      };
      schedule_(0);
    },
    wake: () => ctx.webhooks.wake(),
    async stop() {
      stopping.abort();
      if (timer) clearTimeout(timer);
      ctx.webhooks.wake = () => undefined;
      await running?.catch(() => undefined);
      await sender?.close().catch(() => undefined);
    },
  };
}

function nextOf(plan: DeliveryPlan): DeliveryNext {
  if (plan.kind === "delivered") return { status: "delivered" };
  if (plan.kind === "retry") return { status: "pending", at: plan.at };
  return { status: "failed" };
}

/** A uniform draw in [0, 1) from the context's random source. */
function randomUnit(ctx: ServiceContext): number {
  return Buffer.from(ctx.random(4)).readUInt32BE(0) / 2 ** 32;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** "5000,60000" → [5000, 60000]; undefined → the default schedule. */
export function parseRetrySchedule(text: string | undefined): readonly number[] {
  return text === undefined ? DEFAULT_RETRY_SCHEDULE_MS : text.split(",").map(Number);
}
