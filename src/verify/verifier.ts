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
import { MemoryLimiter, type BucketHolder } from "../limits/memory/memory-limiter.js";
import type { LimitOutcome, LimitRequest, LimitResult, Limiter } from "../limits/port.js";
import { createTally, type KeywardMetrics, type Tally } from "../metrics/index.js";
import type { KeyStore } from "../storage/port.js";
import { ImportedKeyGate } from "./imported-key-gate.js";
import { RecordCompactor } from "./record-compaction.js";
import type { UsageRecorder } from "./usage-recorder.js";
import type { CacheEntry, VerifyCache } from "./verify-cache.js";

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
  /** Which APIs hold imported keys (keys outside Keyward's format); default: none. */
  imported?: ImportedKeyGate;
}


export class Verifier {
  /** Single flight: concurrent misses on one hash share one store read. */
  private readonly loading = new Map<string, { epoch: number; promise: Promise<VerificationSubject | null> }>();
  private readonly lookups: Record<"hit" | "negative_hit" | "miss", Tally>;
  /** Plain-number counters folded into the Prometheus counters when read (see `createTally`). */
  private readonly outcomes = new Map<VerificationCode, Tally>();
  private readonly compactor = new RecordCompactor();
  /** The VALID outcome's counter, by far the most counted: no map lookup per verification. */
  private readonly valid: Tally;

  /**
   * A limiter that can also decide synchronously (the in-memory one) is asked that way: the same decision
   * without a promise and a tick per verification. A shared (Redis) limiter has no such method.
   */
  private readonly checkNow: ((requests: readonly LimitRequest[], now: number) => LimitOutcome) | null;

  /** The in-memory limiter's `admitHeld` (a bucket kept in the cache entry between calls), when it is one. */
  private readonly admitHeld: ((request: LimitRequest, now: number, holder: BucketHolder) => AppliedLimit | null) | null;

  private readonly imported: ImportedKeyGate;

  constructor(private readonly deps: VerifierDeps) {
    this.imported = deps.imported ?? new ImportedKeyGate();
    const sync = (deps.limiter as Limiter & { checkNow?: unknown }).checkNow;
    this.checkNow = typeof sync === "function" ? (sync.bind(deps.limiter) as (requests: readonly LimitRequest[], now: number) => LimitOutcome) : null;
    this.admitHeld = deps.limiter instanceof MemoryLimiter ? deps.limiter.admitHeld.bind(deps.limiter) : null;
    this.valid = createTally(deps.metrics.verifications, { code: "VALID" });
    const { cacheLookups } = deps.metrics;
    this.lookups = { hit: createTally(cacheLookups, { result: "hit" }), negative_hit: createTally(cacheLookups, { result: "negative_hit" }), miss: createTally(cacheLookups, { result: "miss" }) };
  }

  verify(key: string, request: VerificationRequest, extras: VerifyExtras = NO_EXTRAS): Promise<VerifyOutcome> {
    if (typeof key !== "string" || (key.length > MAX_KEY_LENGTH && !this.imported.active)) return Promise.resolve(this.refuse("MALFORMED", null));
    return this.verifyHashed(key, hashKey(key), request, extras);
  }

  /**
   * `verify` of a key whose hash the caller already holds: `hash` must be `hashKey(key)`. Root-key
   * authentication remembers it per Authorization header (the same root key arrives on every call).
   */
  verifyHashed(key: string, hash: string, request: VerificationRequest, extras: VerifyExtras = NO_EXTRAS): Promise<VerifyOutcome> {
    let known: VerifyOutcome | null;
    try {
      known = this.verifyCached(key, hash, request, extras);
    } catch (error) {
      // A bad named limit throws: a rejection, as from the async path, never a synchronous throw.
      return Promise.reject(error);
    }
    return known !== null ? Promise.resolve(known) : this.verifyLoading(key, hash, request, extras);
  }

  /** The whole verification, reading the store on a miss: what `verifyCached` leaves. */
  private async verifyLoading(key: string, hash: string, request: VerificationRequest, extras: VerifyExtras): Promise<VerifyOutcome> {
    if (typeof key !== "string" || (key.length > MAX_KEY_LENGTH && !this.imported.active)) return this.refuse("MALFORMED", null);
    let now = this.deps.now();
    // The cache only ever holds hashes of keys that passed the format check, or the import gate while some
    // API holds imported keys (entries are made after a store read, which only those reach), so a hit
    // needs no second check; a malformed key always misses and is refused below before any store read.
    const entry = this.deps.cache.entry(hash, now);
    let subject = entry === undefined ? undefined : entry.subject;
    if (subject !== undefined) {
      (subject ? this.lookups.hit : this.lookups.negative_hit).inc();
    } else {
      // Imported keys (ImportedKeyGate): the only ones outside the format that are ever looked up or cached.
      const wellFormed = isWellFormedKey(key);
      if (!wellFormed && !(await this.imported.admits(key, request))) return this.refuse("MALFORMED", null);
      this.lookups.miss.inc();
      subject = await this.load(hash, wellFormed ? null : this.imported);
      now = this.deps.now();
    }
    const decision = decideVerification(subject, request, now);
    if (!decision.ok) return this.refuse(decision.code, decision.subject);
    // The last stages: rate limits (all-or-nothing), then credits, taken only when everything passed.
    // Inline rather than in a second async function: a key without limits answers without another tick.
    const allowed = decision.subject;
    const planned = this.plan(allowed, extras, entry);
    let ratelimits = NO_LIMITS;
    if (planned.length > 0) {
      if (this.checkNow !== null) {
        const limited = this.limitNow(this.checkNow, allowed, planned, now, entry);
        if (!Array.isArray(limited)) return limited as VerifyOutcome;
        ratelimits = limited;
      } else {
        const limited = await this.deps.limiter.check(planned, now);
        ratelimits = appliedLimits(limited.results, planned);
        if (!limited.allowed) return this.count({ code: "RATE_LIMITED", subject: allowed, ratelimits, credits: null });
      }
    }
    if (allowed.creditOwner !== null) return this.spendCredits(allowed, allowed.creditOwner, ratelimits, extras, now);
    this.recordUsage(allowed, entry, now);
    return this.count({ code: "VALID", subject: allowed, ratelimits, credits: null });
  }

  /**
   * `verifyHashed` done synchronously when it needs nothing asynchronous: the hash is cached (a known or a
   * known unknown key), there are no credits to spend, and the limiter decides synchronously (the in-memory
   * one). Null otherwise — then nothing has happened (no count, no limit, no usage) and `verifyHashed`
   * does the whole verification. Callers that can answer without a promise (the fast lane) ask here first.
   */
  verifyCached(key: string, hash: string, request: VerificationRequest, extras: VerifyExtras = NO_EXTRAS): VerifyOutcome | null {
    const checkNow = this.checkNow;
    if (checkNow === null || typeof key !== "string" || (key.length > MAX_KEY_LENGTH && !this.imported.active)) return null;
    const now = this.deps.now();
    const entry = this.deps.cache.entry(hash, now);
    if (entry === undefined) return null;
    const subject = entry.subject;
    if (subject !== null && subject.creditOwner !== null) return null;
    (subject ? this.lookups.hit : this.lookups.negative_hit).inc();
    const decision = decideVerification(subject, request, now);
    if (!decision.ok) return this.refuse(decision.code, decision.subject);
    const allowed = decision.subject;
    const planned = this.plan(allowed, extras, entry);
    let ratelimits = NO_LIMITS;
    if (planned.length > 0) {
      const limited = this.limitNow(checkNow, allowed, planned, now, entry);
      if (!Array.isArray(limited)) return limited as VerifyOutcome;
      ratelimits = limited;
    }
    this.deps.usage.recordInto(entry, now);
    return this.count({ code: "VALID", subject: allowed, ratelimits, credits: null });
  }

  /**
   * The rate-limit stage on a synchronous (in-memory) limiter: the limits applied, or the RATE_LIMITED
   * outcome. A cached key's one auto-apply limit uses the bucket its cache entry holds.
   */
  private limitNow(
    checkNow: (requests: readonly LimitRequest[], now: number) => LimitOutcome,
    allowed: VerificationSubject,
    planned: PlannedLimit[],
    now: number,
    entry: CacheEntry | undefined,
  ): AppliedLimit[] | VerifyOutcome {
    const held = this.admitHeld !== null && planned.length === 1 && entry !== undefined && planned === entry.autoPlan ? this.admitHeld(planned[0]!, now, entry) : null;
    if (held !== null) return [held];
    const limited = checkNow(planned, now);
    const ratelimits = appliedLimits(limited.results, planned);
    return limited.allowed ? ratelimits : this.count({ code: "RATE_LIMITED", subject: allowed, ratelimits, credits: null });
  }

  private async spendCredits(subject: VerificationSubject, owner: CreditsRecord, ratelimits: AppliedLimit[], extras: VerifyExtras, now: number): Promise<VerifyOutcome> {
    const cost = extras.cost ?? 1;
    const spent = cost > 0 ? await this.deps.ledger.spend(owner, cost, now) : { ok: true, remaining: await this.deps.ledger.remaining(owner) };
    const credits = { remaining: spent.remaining };
    if (!spent.ok) return this.count({ code: "USAGE_EXCEEDED", subject, ratelimits, credits });
    this.deps.usage.record(subject.source.key.id, now);
    return this.count({ code: "VALID", subject, ratelimits, credits });
  }

  /** The limits to check: those the call names, else the key's auto-apply ones (planned once per cache entry). */
  private plan(subject: VerificationSubject, extras: VerifyExtras, entry: CacheEntry | undefined): PlannedLimit[] {
    if (extras.ratelimits !== undefined && extras.ratelimits.length > 0) return planLimits(subject.source.key.id, subject.limits, extras.ratelimits);
    if (entry !== undefined && entry.autoPlan !== null) return entry.autoPlan;
    const planned = subject.limits.size === 0 ? NO_PLAN : planLimits(subject.source.key.id, subject.limits);
    if (entry !== undefined) entry.autoPlan = planned;
    return planned;
  }

  /** A cached key counts its usage in its cache entry (no map lookup); the recorder collects it at the flush. */
  private recordUsage(subject: VerificationSubject, entry: CacheEntry | undefined, now: number): void {
    if (entry === undefined) this.deps.usage.record(subject.source.key.id, now);
    else this.deps.usage.recordInto(entry, now);
  }

  private refuse(code: Exclude<VerificationCode, "VALID">, subject: VerificationSubject | null): VerifyOutcome {
    return this.count({ code, subject, ratelimits: NO_LIMITS, credits: null });
  }

  private count(outcome: VerifyOutcome): VerifyOutcome {
    if (outcome.code === "VALID") {
      this.valid.inc();
      return outcome;
    }
    let counter = this.outcomes.get(outcome.code);
    if (counter === undefined) {
      counter = createTally(this.deps.metrics.verifications, { code: outcome.code });
      this.outcomes.set(outcome.code, counter);
    }
    counter.inc();
    return outcome;
  }

  /** `imported`: found by a key outside the format, the key counts only if its API holds imported keys. */
  private load(hash: string, imported: ImportedKeyGate | null = null): Promise<VerificationSubject | null> {
    const { cache } = this.deps;
    const epoch = cache.epoch;
    const inflight = this.loading.get(hash);
    // A read that started before a revocation could return the old record: join only a fresh one.
    if (inflight && inflight.epoch === epoch) return inflight.promise;
    const promise = this.deps.keys
      .findForVerification(hash)
      .then((found) => {
        if (found && imported && !imported.holds(found.key.apiId)) found = null;
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
