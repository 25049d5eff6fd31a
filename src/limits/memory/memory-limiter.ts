// The one-node limiter: bucket states in a Map, decided by the pure sliding window. Also the local
// stand-in that the fallback limiter answers from while Redis is unreachable.
import { admitInPlace, checkBuckets, mutableWindow, windowAdmits, windowEntries, windowLogResetMs, type MutableWindow } from "../../core/limits/index.js";
import type { LimitOutcome, LimitRequest, LimitResult, Limiter, LimiterCapabilities, LimiterStatus } from "../port.js";
import { assertLimitRequests } from "../validate-requests.js";

export interface MemoryLimiterOptions {
  /** How often, in the callers' clock, buckets whose entries have all expired are dropped (default 10 s). */
  sweepIntervalMs?: number;
}

/** A bucket's window, which only this limiter holds: an admission changes it in place (`admitInPlace`). */
interface Bucket extends MutableWindow {
  /** The window its last admission was counted in: every entry has expired at the last `at` plus this. */
  durationMs: number;
}

const expiresAt = (bucket: Bucket): number => bucket.log[bucket.log.length - 3]! + bucket.durationMs;

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
    // The common case (every limit of the call on its own bucket, all admitted) is decided and applied in
    // place, allocating only the results; a refusal or a bucket named twice takes the general path.
    if (requests.length === 1) {
      const result = this.admit(requests[0]!, now);
      return result !== null ? { allowed: true, results: [result] } : this.checkByCopy(requests, now);
    }
    if (!this.admitsAllApart(requests, now)) return this.checkByCopy(requests, now);
    const results = new Array<LimitResult>(requests.length);
    for (let index = 0; index < requests.length; index++) results[index] = this.admit(requests[index]!, now)!;
    return { allowed: true, results };
  }

  private admitsAllApart(requests: readonly LimitRequest[], now: number): boolean {
    for (let index = 0; index < requests.length; index++) {
      const request = requests[index]!;
      for (let other = 0; other < index; other++) if (requests[other]!.bucket === request.bucket) return false;
      const bucket = this.buckets.get(request.bucket);
      if (bucket !== undefined ? !windowAdmits(bucket, request, now) : request.cost > request.limit) return false;
    }
    return true;
  }

  /** Admits the request on its bucket in place, or returns null and changes nothing when refused. */
  private admit(request: LimitRequest, now: number): LimitResult | null {
    const found = this.buckets.get(request.bucket);
    const bucket = found !== undefined ? found : { log: [], cost: 0, durationMs: request.durationMs };
    const remaining = admitInPlace(bucket, request, now);
    if (remaining < 0) return null;
    if (bucket.log.length === 0) {
      if (found !== undefined) this.buckets.delete(request.bucket);
    } else {
      if (bucket.durationMs !== request.durationMs) bucket.durationMs = request.durationMs;
      if (found === undefined) this.buckets.set(request.bucket, bucket);
    }
    return { name: request.name, limit: request.limit, remaining, resetMs: windowLogResetMs(bucket, request.durationMs, now), retryAfterMs: null, allowed: true };
  }

  /** All-or-nothing by the pure check over copies: refusals and several limits on one bucket. */
  private checkByCopy(requests: readonly LimitRequest[], now: number): LimitOutcome {
    const stateOf = (name: string) => {
      const bucket = this.buckets.get(name);
      return bucket !== undefined ? windowEntries(bucket) : [];
    };
    const outcome = checkBuckets(requests, stateOf, now);
    for (const [bucket, state] of outcome.states) {
      const last = state[state.length - 1];
      if (!last) {
        this.buckets.delete(bucket);
        continue;
      }
      // A bucket's requests all name the same duration in practice; the longest one keeps it alive.
      let duration = 0;
      for (const request of requests) if (request.bucket === bucket && request.durationMs > duration) duration = request.durationMs;
      this.buckets.set(bucket, { ...mutableWindow(state), durationMs: duration });
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
    for (const [name, bucket] of this.buckets) if (expiresAt(bucket) <= now) this.buckets.delete(name);
  }

  async close(): Promise<void> {
    this.buckets.clear();
  }
}

export function createMemoryLimiter(options: MemoryLimiterOptions = {}): MemoryLimiter {
  return new MemoryLimiter(options);
}
