// The lifecycle sweeper: every node runs one. Each pass looks, across all workspaces, for keys whose
// expiry or rotation comes within their API's lead time (`key.expiring`), keys whose expiry passed
// (`key.expire`) and retired secrets whose grace ended (`key.grace_end`), and announces each once: the
// mark decides which node writes the entry (announcements.ts). Every query is a bounded batch, so a pass
// never holds the database long; what a batch leaves over, the next pass takes.
import type { ServiceContext } from "../services/context.js";
import { announceExpired, announceExpiring, announceGraceEnd, announceRotationDue } from "./announcements.js";

export interface LifecycleSweeperOptions {
  /** Time between passes; default 60 s. */
  intervalMs?: number;
  /** Most items looked at per kind per pass (and APIs read per page); default 500. */
  batchSize?: number;
  logger?: { warn(object: object, message: string): void };
}

/** Announcements this pass wrote, per audit action. */
export interface SweepResult {
  expiring: number;
  expired: number;
  graceEnded: number;
}

export interface LifecycleSweeper {
  start(): void;
  /** Stops the timer and waits for a pass under way. */
  stop(): Promise<void>;
  /** One pass at `now` (default: the context's clock). Passes never overlap: a second call waits for the first. */
  sweepOnce(now?: Date): Promise<SweepResult>;
}

export const DEFAULT_SWEEP_INTERVAL_MS = 60_000;
const DEFAULT_BATCH_SIZE = 500;

export function createLifecycleSweeper(ctx: ServiceContext, options: LifecycleSweeperOptions = {}): LifecycleSweeper {
  const intervalMs = options.intervalMs ?? DEFAULT_SWEEP_INTERVAL_MS;
  const batch = options.batchSize ?? DEFAULT_BATCH_SIZE;
  let timer: NodeJS.Timeout | undefined;
  let ticking = false;
  let running: Promise<SweepResult> = Promise.resolve({ expiring: 0, expired: 0, graceEnded: 0 });

  /** Runs each announcement on its own; a failure is logged and the pass goes on (the next one retries). */
  async function each<T>(items: T[], what: string, announce: (item: T) => Promise<boolean>): Promise<number> {
    let written = 0;
    for (const item of items) {
      try {
        if (await announce(item)) written += 1;
      } catch (error) {
        options.logger?.warn({ err: error, announcement: what }, "lifecycle sweeper: announcement failed; retried next pass");
      }
    }
    return written;
  }

  async function sweepExpiring(now: Date): Promise<number> {
    let written = 0;
    let budget = batch;
    let after: string | null = null;
    while (budget > 0) {
      const apis = await ctx.store.lifecycle.apisWithPolicy(after, batch);
      for (const api of apis) {
        if (budget <= 0) break;
        const lead = api.policy.expiringSoonSeconds;
        if (lead === undefined) continue;
        const until = new Date(now.getTime() + lead * 1000);
        const expiring = await ctx.store.lifecycle.expiringKeys(api.id, now, until, budget);
        budget -= expiring.length;
        written += await each(expiring, "key.expiring", (due) => announceExpiring(ctx, due));
        const period = api.policy.rotationPeriodSeconds;
        if (period === undefined || budget <= 0) continue;
        const rotations = await ctx.store.lifecycle.rotationDueKeys(api.id, period, now, until, budget);
        budget -= rotations.length;
        written += await each(rotations, "key.expiring", (due) => announceRotationDue(ctx, due));
      }
      const last = apis[apis.length - 1];
      if (last === undefined || apis.length < batch) break;
      after = last.id;
    }
    return written;
  }

  async function pass(now: Date): Promise<SweepResult> {
    const expiring = await sweepExpiring(now);
    const expired = await each(await ctx.store.lifecycle.expiredKeys(now, batch), "key.expire", (due) => announceExpired(ctx, due));
    const graces = await ctx.store.lifecycle.endedGraces(now, batch);
    const graceEnded = await each(graces, "key.grace_end", (grace) => ctx.store.transaction((store) => announceGraceEnd(ctx, store, grace, now)));
    return { expiring, expired, graceEnded };
  }

  function sweepOnce(now?: Date): Promise<SweepResult> {
    const next = running.catch(() => undefined).then(() => pass(now ?? ctx.now()));
    running = next;
    return next;
  }

  return {
    start() {
      if (timer || intervalMs <= 0) return;
      timer = setInterval(() => {
        // A pass longer than the interval is not queued behind: the next tick after it takes over.
        if (ticking) return;
        ticking = true;
        sweepOnce()
          .catch((error: unknown) => options.logger?.warn({ err: error }, "lifecycle sweeper: pass failed; retried next interval"))
          .finally(() => (ticking = false));
      }, intervalMs);
      // A sweep never keeps the process alive on its own.
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running.catch(() => undefined);
    },
    sweepOnce,
  };
}
