// The verify pipeline: format+checksum → hash → cache (store on a miss) → pure decision → usage.
// A known key is answered from memory; the only write is an in-memory usage counter.
import {
  compileSubject,
  decideVerification,
  hashKey,
  isWellFormedKey,
  MAX_KEY_LENGTH,
  planLimits,
  type CreditsRecord,
  type PlannedLimit,
  type RequestedLimit,
  type VerificationCode,
  type VerificationRequest,
  type VerificationSubject,
} from "../core/index.js";
import type { CreditLedger } from "../credits/index.js";
import type { LimitOutcome, LimitRequest, LimitResult, Limiter } from "../limits/port.js";
import type { KeywardMetrics } from "../metrics/index.js";
import type { KeyStore } from "../storage/port.js";
import { RecordCompactor } from "./record-compaction.js";
import type { UsageRecorder } from "./usage-recorder.js";
import type { VerifyCache } from "./verify-cache.js";

export interface VerifyOutcome {
  code: VerificationCode;
  /** The key's compiled record when the key was found in the caller's scope, else null. */
  subject: VerificationSubject | null;
  /** Every rate limit applied, with what is left (empty when the checks before them failed). */
  ratelimits: AppliedLimit[];
  /** The paying owner's balance after this call, when the key or its identity has credits. */
  credits: { remaining: number } | null;
}

/** What a verification asks beyond the checks: named rate limits and the cost in credits (default 1). */
export interface VerifyExtras {
  ratelimits?: RequestedLimit[];
  cost?: number;
}

/** A limiter result with the window it was counted in (the `w` of a RateLimit-Policy header). */
export type AppliedLimit = LimitResult & { durationMs: number };

const NO_LIMITS: AppliedLimit[] = [];
const NO_PLAN: PlannedLimit[] = [];

/** Each limiter result with its window, built field by field (a spread copy costs more on the hot path). */
function appliedLimits(results: readonly LimitResult[], planned: readonly PlannedLimit[]): AppliedLimit[] {
  const applied = new Array<AppliedLimit>(results.length);
  for (let index = 0; index < results.length; index++) {
    const { name, limit, remaining, resetMs, retryAfterMs, allowed } = results[index]!;
    applied[index] = { name, limit, remaining, resetMs, retryAfterMs, allowed, durationMs: planned[index]!.durationMs };
  }
  return applied;
}
const NO_EXTRAS: VerifyExtras = {};

export interface VerifierDeps {
  keys: Pick<KeyStore, "findForVerification">;
  cache: VerifyCache;
  usage: UsageRecorder;
  limiter: Limiter;
  ledger: CreditLedger;
  metrics: KeywardMetrics;
  now: () => number;
}

/** Metric children bound once: a labelled `inc` per call would build and hash a label object each time. */
type BoundCounter = { inc(): void };

export class Verifier {
  /** Single flight: concurrent misses on one hash share one store read. */
  private readonly loading = new Map<string, { epoch: number; promise: Promise<VerificationSubject | null> }>();
  /** The auto-apply limits of a cached subject, planned once (what a verification naming no limit applies). */
  private readonly autoPlans = new WeakMap<VerificationSubject, PlannedLimit[]>();
  private readonly lookups: Record<"hit" | "negative_hit" | "miss", BoundCounter>;
  private readonly outcomes = new Map<VerificationCode, BoundCounter>();
  private readonly compactor = new RecordCompactor();

  /**
   * A limiter that can also decide synchronously (the in-memory one) is asked that way: the same decision
   * without a promise and a tick per verification. A shared (Redis) limiter has no such method.
   */
  private readonly checkNow: ((requests: readonly LimitRequest[], now: number) => LimitOutcome) | null;

  constructor(private readonly deps: VerifierDeps) {
    const sync = (deps.limiter as Limiter & { checkNow?: unknown }).checkNow;
    this.checkNow = typeof sync === "function" ? (sync.bind(deps.limiter) as (requests: readonly LimitRequest[], now: number) => LimitOutcome) : null;
    const { cacheLookups } = deps.metrics;
    this.lookups = { hit: cacheLookups.labels({ result: "hit" }), negative_hit: cacheLookups.labels({ result: "negative_hit" }), miss: cacheLookups.labels({ result: "miss" }) };
  }

  async verify(key: string, request: VerificationRequest, extras: VerifyExtras = NO_EXTRAS): Promise<VerifyOutcome> {
    if (typeof key !== "string" || key.length > MAX_KEY_LENGTH) return this.refuse("MALFORMED", null);
    const hash = hashKey(key);
    let now = this.deps.now();
    // The cache only ever holds hashes of keys that passed the format check (entries are made after a
    // store read, which only a well-formed key reaches), so a hit needs no second check; a malformed
    // key always misses and is refused below before any store read.
    let subject = this.deps.cache.lookup(hash, now);
    if (subject !== undefined) {
      (subject ? this.lookups.hit : this.lookups.negative_hit).inc();
    } else {
      if (!isWellFormedKey(key)) return this.refuse("MALFORMED", null);
      this.lookups.miss.inc();
      subject = await this.load(hash);
      now = this.deps.now();
    }
    const decision = decideVerification(subject, request, now);
    if (!decision.ok) return this.refuse(decision.code, decision.subject);
    // The last stages: rate limits (all-or-nothing), then credits, taken only when everything passed.
    // Inline rather than in a second async function: a key without limits answers without another tick.
    const allowed = decision.subject;
    const planned = this.plan(allowed, extras);
    let ratelimits = NO_LIMITS;
    if (planned.length > 0) {
      const limited = this.checkNow !== null ? this.checkNow(planned, now) : await this.deps.limiter.check(planned, now);
      ratelimits = appliedLimits(limited.results, planned);
      if (!limited.allowed) return this.count({ code: "RATE_LIMITED", subject: allowed, ratelimits, credits: null });
    }
    if (allowed.creditOwner !== null) return this.spendCredits(allowed, allowed.creditOwner, ratelimits, extras, now);
    this.deps.usage.record(allowed.source.key.id, now);
    return this.count({ code: "VALID", subject: allowed, ratelimits, credits: null });
  }

  private async spendCredits(subject: VerificationSubject, owner: CreditsRecord, ratelimits: AppliedLimit[], extras: VerifyExtras, now: number): Promise<VerifyOutcome> {
    const cost = extras.cost ?? 1;
    const spent = cost > 0 ? await this.deps.ledger.spend(owner, cost, now) : { ok: true, remaining: await this.deps.ledger.remaining(owner) };
    const credits = { remaining: spent.remaining };
    if (!spent.ok) return this.count({ code: "USAGE_EXCEEDED", subject, ratelimits, credits });
    this.deps.usage.record(subject.source.key.id, now);
    return this.count({ code: "VALID", subject, ratelimits, credits });
  }

  private plan(subject: VerificationSubject, extras: VerifyExtras): PlannedLimit[] {
    if (extras.ratelimits !== undefined && extras.ratelimits.length > 0) return planLimits(subject.source.key.id, subject.limits, extras.ratelimits);
    if (subject.limits.size === 0) return NO_PLAN;
    let planned = this.autoPlans.get(subject);
    if (planned === undefined) {
      planned = planLimits(subject.source.key.id, subject.limits);
      this.autoPlans.set(subject, planned);
    }
    return planned;
  }

  private refuse(code: Exclude<VerificationCode, "VALID">, subject: VerificationSubject | null): VerifyOutcome {
    return this.count({ code, subject, ratelimits: NO_LIMITS, credits: null });
  }

  private count(outcome: VerifyOutcome): VerifyOutcome {
    let counter = this.outcomes.get(outcome.code);
    if (counter === undefined) {
      counter = this.deps.metrics.verifications.labels({ code: outcome.code });
      this.outcomes.set(outcome.code, counter);
    }
    counter.inc();
    return outcome;
  }

  private load(hash: string): Promise<VerificationSubject | null> {
    const { cache } = this.deps;
    const epoch = cache.epoch;
    const inflight = this.loading.get(hash);
    // A read that started before a revocation could return the old record: join only a fresh one.
    if (inflight && inflight.epoch === epoch) return inflight.promise;
    const promise = this.deps.keys
      .findForVerification(hash)
      .then((found) => {
        const subject = found ? compileSubject(this.compactor.compact(found, hash)) : null;
        if (cache.epoch === epoch) cache.set(hash, subject, this.deps.now());
        this.deps.metrics.cacheEntries.set(cache.size);
        return subject;
      })
      .finally(() => {
        if (this.loading.get(hash)?.promise === promise) this.loading.delete(hash);
      });
    this.loading.set(hash, { epoch, promise });
    return promise;
  }
}
