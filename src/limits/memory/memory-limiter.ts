// The one-node limiter: bucket states in a Map, decided by the pure sliding window. Also the local
// stand-in that the fallback limiter answers from while Redis is unreachable.
import { admitInPlace, checkBuckets, mutableWindow, windowAdmits, windowEntries, windowLogResetMs, type MutableWindow } from "../../core/limits/index.js";
import type { LimitOutcome, LimitRequest, LimitResult, Limiter, LimiterCapabilities, LimiterStatus } from "../port.js";
import { assertLimitRequest, assertLimitRequests } from "../validate-requests.js";

export interface MemoryLimiterOptions {
  /** How often, in the callers' clock, buckets whose entries have all expired are dropped (default 10 s). */
  sweepIntervalMs?: number;
}

/** A bucket's window, which only this limiter holds: an admission changes it in place (`admitInPlace`). */
interface Bucket extends MutableWindow {
  /** The window its last admission was counted in: every entry has expired at the last `at` plus this. */
  durationMs: number;
  /** Its name in the limiter's map. */
  readonly name: string;
  /**
   * True while it is the map's bucket of its name; set false for good when it leaves the map (swept, emptied,
   * closed). A holder (`BucketHolder`) may use it only while live; the general path changes a live bucket in
   * place rather than replacing it, so a live bucket is always the one the map holds.
   */
  live: boolean;
}

const newBucket = (name: string, durationMs: number, window: MutableWindow, live: boolean): Bucket => ({ log: window.log, cost: window.cost, durationMs, name, live });

/**
 * Where a caller keeps the bucket of a limit it checks again and again (the verifier's cache entry, for a
 * cached key's auto-apply limit), so the next call skips the bucket map: one lookup by a long string name,
 * on a limiter of tens of thousands of buckets, was a third of the limit's cost. Opaque to the holder.
 */
export interface BucketHolder {
  heldBucket: object | null;
}

/** A limiter's result with the window it was counted in, as the verifier reports it (`AppliedLimit`). */
export type HeldLimitResult = LimitResult & { durationMs: number };

const expiresAt = (bucket: Bucket): number => bucket.log[bucket.log.length - 3]! + bucket.durationMs;

export class MemoryLimiter implements Limiter {
  readonly capabilities: LimiterCapabilities = { shared: false };
  private readonly buckets = new Map<string, Bucket>();
  private readonly sweepIntervalMs: number;
  private lastSweep = Number.NEGATIVE_INFINITY;
  /** What the last admission left (`admitOn`'s second answer: no object per call for two values). */
  private remaining = 0;

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

  /**
   * `checkNow` of one request whose bucket the caller keeps in `holder` between calls: the same decision and
   * the same change, read from the held bucket while it is still this limiter's bucket of that name (else
   * from the map, and then held). Returns the admitted result with its window; null when refused, having
   * changed nothing — `checkNow` then gives the refusal's details. test/limits/memory-differential.test.ts
   * holds it equal to the pure core, sweeps and refusals included.
   */
  admitHeld(request: LimitRequest, now: number, holder: BucketHolder): HeldLimitResult | null {
    assertLimitRequest(request);
    this.sweep(now);
    const held = holder.heldBucket as Bucket | null;
    const bucket = this.admitOn(held !== null && held.live && held.name === request.bucket ? held : this.buckets.get(request.bucket), request, now);
    if (bucket === null) return null;
    holder.heldBucket = bucket.live ? bucket : null;
    const { name, limit, durationMs } = request;
    return { name, limit, remaining: this.remaining, resetMs: windowLogResetMs(bucket, durationMs, now), retryAfterMs: null, allowed: true, durationMs };
  }

  /** Admits the request on its bucket in place, or returns null and changes nothing when refused. */
  private admit(request: LimitRequest, now: number): LimitResult | null {
    const bucket = this.admitOn(this.buckets.get(request.bucket), request, now);
    if (bucket === null) return null;
    return { name: request.name, limit: request.limit, remaining: this.remaining, resetMs: windowLogResetMs(bucket, request.durationMs, now), retryAfterMs: null, allowed: true };
  }

  /**
   * `admitInPlace` on the map's bucket of the request (`found`; undefined when there is none): the bucket it
   * was counted in (live while the map holds it), with `remaining` set; null when refused, nothing changed.
   */
  private admitOn(found: Bucket | undefined, request: LimitRequest, now: number): Bucket | null {
    const bucket = found !== undefined ? found : newBucket(request.bucket, request.durationMs, { log: [], cost: 0 }, false);
    const remaining = admitInPlace(bucket, request, now);
    if (remaining < 0) return null;
    this.remaining = remaining;
    if (bucket.log.length === 0) {
      if (found !== undefined) this.drop(found);
    } else {
      if (bucket.durationMs !== request.durationMs) bucket.durationMs = request.durationMs;
      if (found === undefined) {
        bucket.live = true;
        this.buckets.set(request.bucket, bucket);
      }
    }
    return bucket;
  }

  private drop(bucket: Bucket): void {
    bucket.live = false;
    this.buckets.delete(bucket.name);
  }

  /** All-or-nothing by the pure check over copies: refusals and several limits on one bucket. */
  private checkByCopy(requests: readonly LimitRequest[], now: number): LimitOutcome {
    const stateOf = (name: string) => {
      const bucket = this.buckets.get(name);
      return bucket !== undefined ? windowEntries(bucket) : [];
    };
    const outcome = checkBuckets(requests, stateOf, now);
    for (const [name, state] of outcome.states) {
      const current = this.buckets.get(name);
      const last = state[state.length - 1];
      if (!last) {
        if (current !== undefined) this.drop(current);
        continue;
      }
      // A bucket's requests all name the same duration in practice; the longest one keeps it alive.
      let duration = 0;
      for (const request of requests) if (request.bucket === name && request.durationMs > duration) duration = request.durationMs;
      const window = mutableWindow(state);
      if (current === undefined) {
        this.buckets.set(name, newBucket(name, duration, window, true));
      } else {
        // Changed in place, not replaced: a holder's reference to it stays valid.
        current.log = window.log;
        current.cost = window.cost;
        current.durationMs = duration;
      }
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
    for (const bucket of this.buckets.values()) {
      if (expiresAt(bucket) <= now) {
        this.drop(bucket);
        bucket.log.length = 0; // a holder may keep the object a while: not its entries
      }
    }
  }

  async close(): Promise<void> {
    for (const bucket of this.buckets.values()) bucket.live = false;
    this.buckets.clear();
  }
}

export function createMemoryLimiter(options: MemoryLimiterOptions = {}): MemoryLimiter {
  return new MemoryLimiter(options);
}
