// Keeps limits answering when the shared backend (Redis) is away: each node then decides from a local
// memory limiter, says so once in the log and through `onStateChange` (a metric), and switches back by
// itself as soon as the backend decides limits again. Backend failures never reach the caller.
//
// While degraded, N nodes each admit up to the limit locally: the cluster-wide limit is N times looser
// until Redis returns. That is the trade DESIGN §6 asks for (keep answering) and why it is announced.
import { MemoryLimiter } from "./memory/memory-limiter.js";
import type { LimitOutcome, LimitRequest, Limiter, LimiterCapabilities, LimiterStatus } from "./port.js";
import { assertLimitRequests } from "./validate-requests.js";

/** The shared limiter being protected: it can be probed, and says when its connection is back. */
export interface ProbedLimiter extends Limiter {
  probe(): Promise<void>;
  onReady(listener: () => void): () => void;
}

/** Pino-compatible: `logger.warn({ … }, "message")`. */
export interface LimiterLogger {
  warn(object: object, message: string): void;
  info(object: object, message: string): void;
}

export interface FallbackLimiterOptions {
  primary: ProbedLimiter;
  logger: LimiterLogger;
  /** Called with true when the node starts deciding locally, false when the shared backend is back. */
  onStateChange?: (degraded: boolean) => void;
  /** How long a check waits for the backend before answering locally (default 100 ms). */
  timeoutMs?: number;
  /** How often a degraded limiter probes the backend, besides its reconnect event (default 1 s). */
  probeIntervalMs?: number;
  /** The local limiter; a fresh memory limiter by default. */
  local?: MemoryLimiter;
}

class TimeoutError extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    // Timers run before I/O in an event-loop turn: on a busy loop the timer can be due while the reply
    // already waits in the socket. setImmediate runs after that I/O is read, so such a reply still wins.
    timer = setTimeout(() => setImmediate(() => reject(new TimeoutError(`no answer within ${ms} ms`))), ms);
  });
  // A late rejection of the abandoned call must not surface as an unhandled rejection.
  promise.catch(() => {});
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class FallbackLimiter implements Limiter {
  readonly capabilities: LimiterCapabilities;
  private readonly primary: ProbedLimiter;
  private readonly local: MemoryLimiter;
  private readonly logger: LimiterLogger;
  private readonly onStateChange: (degraded: boolean) => void;
  private readonly timeoutMs: number;
  private readonly probeIntervalMs: number;
  private readonly unsubscribe: () => void;
  private probeTimer: NodeJS.Timeout | null = null;
  private probing = false;
  private closed = false;
  private degradedSince: number | null = null;
  private lastError: string | null = null;

  constructor(options: FallbackLimiterOptions) {
    this.primary = options.primary;
    this.capabilities = options.primary.capabilities;
    this.local = options.local ?? new MemoryLimiter();
    this.logger = options.logger;
    this.onStateChange = options.onStateChange ?? (() => {});
    this.timeoutMs = options.timeoutMs ?? 100;
    this.probeIntervalMs = options.probeIntervalMs ?? 1_000;
    this.unsubscribe = this.primary.onReady(() => void this.probe());
  }

  get degraded(): boolean {
    return this.degradedSince !== null;
  }

  status(): LimiterStatus {
    return { backend: "redis", shared: !this.degraded, degraded: this.degraded, degradedSince: this.degradedSince, lastError: this.lastError };
  }

  async check(requests: LimitRequest[], now: number): Promise<LimitOutcome> {
    // A malformed request is the caller's bug, not an outage: it throws here, before any backend.
    assertLimitRequests(requests);
    if (this.degraded) return this.local.checkNow(requests, now);
    try {
      return await withTimeout(this.primary.check(requests, now), this.timeoutMs);
    } catch (error) {
      // A timed-out call may still land in Redis later; counting it there too only ever refuses more.
      this.degrade(error);
      return this.local.checkNow(requests, now);
    }
  }

  /** Marks the backend unusable (for example at start-up, before it ever connected). */
  degrade(error: unknown): void {
    this.lastError = describe(error);
    if (this.degraded || this.closed) return;
    this.degradedSince = Date.now();
    this.logger.warn({ err: this.lastError }, "rate limiter: Redis unreachable, deciding limits locally on this node until it returns");
    this.notify(true);
    this.probeTimer = setInterval(() => void this.probe(), this.probeIntervalMs);
    this.probeTimer.unref();
  }

  private recover(): void {
    if (!this.degraded) return;
    const seconds = Math.round((Date.now() - this.degradedSince!) / 1000);
    this.degradedSince = null;
    this.lastError = null;
    if (this.probeTimer) clearInterval(this.probeTimer);
    this.probeTimer = null;
    this.logger.info({ degradedSeconds: seconds }, "rate limiter: Redis is back, limits are shared again");
    this.notify(false);
  }

  private notify(degraded: boolean): void {
    try {
      this.onStateChange(degraded);
    } catch (error) {
      this.logger.warn({ err: describe(error) }, "rate limiter: state change hook failed");
    }
  }

  /** One probe at a time; a success ends the degraded state. */
  private async probe(): Promise<void> {
    if (!this.degraded || this.probing || this.closed) return;
    this.probing = true;
    try {
      await withTimeout(this.primary.probe(), Math.max(this.timeoutMs, 250));
      this.recover();
    } catch (error) {
      this.lastError = describe(error);
    } finally {
      this.probing = false;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe();
    if (this.probeTimer) clearInterval(this.probeTimer);
    this.probeTimer = null;
    await Promise.allSettled([this.primary.close(), this.local.close()]);
  }
}

export function createFallbackLimiter(options: FallbackLimiterOptions): FallbackLimiter {
  return new FallbackLimiter(options);
}
