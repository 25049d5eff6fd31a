// The one-node limiter: bucket states in a Map, decided by the pure sliding window. Also the local
// stand-in that the fallback limiter answers from while Redis is unreachable.
import { checkBuckets, type WindowState } from "../../core/limits/index.js";
import type { LimitOutcome, LimitRequest, Limiter, LimiterCapabilities, LimiterStatus } from "../port.js";
import { assertLimitRequests } from "../validate-requests.js";

export interface MemoryLimiterOptions {
  /** How often, in the callers' clock, buckets whose entries have all expired are dropped (default 10 s). */
  sweepIntervalMs?: number;
}

interface Bucket {
  state: WindowState;
  /** When every entry has expired: the bucket then holds nothing worth keeping. */
  expiresAt: number;
}

const EMPTY: WindowState = [];

export class MemoryLimiter implements Limiter {
  readonly capabilities: LimiterCapabilities = { shared: false };
  private readonly buckets = new Map<string, Bucket>();
  private readonly sweepIntervalMs: number;
  private lastSweep = Number.NEGATIVE_INFINITY;

  constructor(options: MemoryLimiterOptions = {}) {
    this.sweepIntervalMs = options.sweepIntervalMs ?? 10_000;
  }

  /** Buckets held: bounded by the buckets used within their window, since expired ones are swept. */
  get size(): number {
    return this.buckets.size;
  }

  status(): LimiterStatus {
    return { backend: "memory", shared: false, degraded: false, degradedSince: null, lastError: null };
  }

  async check(requests: LimitRequest[], now: number): Promise<LimitOutcome> {
    return this.checkNow(requests, now);
  }

  /** The same decision, synchronously: the fallback limiter answers from here without a tick. */
  checkNow(requests: readonly LimitRequest[], now: number): LimitOutcome {
    assertLimitRequests(requests);
    this.sweep(now);
    const outcome = checkBuckets(requests, (bucket) => this.buckets.get(bucket)?.state ?? EMPTY, now);
    for (const [bucket, state] of outcome.states) {
      const last = state[state.length - 1];
      if (!last) {
        this.buckets.delete(bucket);
        continue;
      }
      // A bucket's requests all name the same duration in practice; the longest one keeps it alive.
      const duration = Math.max(...requests.filter((request) => request.bucket === bucket).map((request) => request.durationMs));
      this.buckets.set(bucket, { state, expiresAt: last.at + duration });
    }
    return {
      allowed: outcome.allowed,
      results: requests.map((request, index) => ({ name: request.name, limit: request.limit, ...outcome.decisions[index]! })),
    };
  }

  // Lazy, in the callers' clock: no timer to leak, and the cost is spread over an interval of calls.
  private sweep(now: number): void {
    if (now - this.lastSweep < this.sweepIntervalMs) return;
    this.lastSweep = now;
    for (const [bucket, { expiresAt }] of this.buckets) if (expiresAt <= now) this.buckets.delete(bucket);
  }

  async close(): Promise<void> {
    this.buckets.clear();
  }
}

export function createMemoryLimiter(options: MemoryLimiterOptions = {}): MemoryLimiter {
  return new MemoryLimiter(options);
}
