// The verify pipeline: format+checksum → hash → cache (store on a miss) → pure decision → usage.
// A known key is answered from memory; the only write is an in-memory usage counter.
import {
  compileSubject,
  decideVerification,
  hashKey,
  parseKey,
  planLimits,
  type RequestedLimit,
  type VerificationCode,
  type VerificationRequest,
  type VerificationSubject,
} from "../core/index.js";
import type { CreditLedger } from "../credits/index.js";
import type { LimitResult, Limiter } from "../limits/port.js";
import type { KeywardMetrics } from "../metrics/index.js";
import type { KeyStore } from "../storage/port.js";
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

export class Verifier {
  /** Single flight: concurrent misses on one hash share one store read. */
  private readonly loading = new Map<string, { epoch: number; promise: Promise<VerificationSubject | null> }>();

  constructor(private readonly deps: VerifierDeps) {}

  async verify(key: string, request: VerificationRequest, extras: VerifyExtras = NO_EXTRAS): Promise<VerifyOutcome> {
    const { cache, metrics } = this.deps;
    if (!parseKey(key).ok) return this.refuse("MALFORMED", null);
    const hash = hashKey(key);
    let now = this.deps.now();
    let subject: VerificationSubject | null;
    const cached = cache.get(hash, now);
    if (cached.hit) {
      subject = cached.subject;
      metrics.cacheLookups.inc({ result: subject ? "hit" : "negative_hit" });
    } else {
      metrics.cacheLookups.inc({ result: "miss" });
      subject = await this.load(hash);
      now = this.deps.now();
    }
    const decision = decideVerification(subject, request, now);
    if (!decision.ok) return this.refuse(decision.code, decision.subject);
    return this.applyLimitsAndCredits(decision.subject, extras, now);
  }

  /** The last stages: rate limits (all-or-nothing), then credits, taken only when everything passed. */
  private async applyLimitsAndCredits(subject: VerificationSubject, extras: VerifyExtras, now: number): Promise<VerifyOutcome> {
    const planned = planLimits(subject.source.key.id, subject.limits, extras.ratelimits);
    let ratelimits = NO_LIMITS;
    if (planned.length > 0) {
      const outcome = await this.deps.limiter.check(planned, now);
      ratelimits = outcome.results.map((result, index) => ({ ...result, durationMs: planned[index]!.durationMs }));
      if (!outcome.allowed) return this.count({ code: "RATE_LIMITED", subject, ratelimits, credits: null });
    }
    let credits: VerifyOutcome["credits"] = null;
    const owner = subject.creditOwner;
    if (owner) {
      const cost = extras.cost ?? 1;
      const spent = cost > 0 ? await this.deps.ledger.spend(owner, cost, now) : { ok: true, remaining: await this.deps.ledger.remaining(owner) };
      credits = { remaining: spent.remaining };
      if (!spent.ok) return this.count({ code: "USAGE_EXCEEDED", subject, ratelimits, credits });
    }
    this.deps.usage.record(subject.source.key.id, new Date(now));
    return this.count({ code: "VALID", subject, ratelimits, credits });
  }

  private refuse(code: Exclude<VerificationCode, "VALID">, subject: VerificationSubject | null): VerifyOutcome {
    return this.count({ code, subject, ratelimits: NO_LIMITS, credits: null });
  }

  private count(outcome: VerifyOutcome): VerifyOutcome {
    this.deps.metrics.verifications.inc({ code: outcome.code });
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
        const subject = found ? compileSubject(found) : null;
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
