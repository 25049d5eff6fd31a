// The verify pipeline: format+checksum → hash → cache (store on a miss) → pure decision → usage.
// A known key is answered from memory; the only write is an in-memory usage counter.
import {
  compileSubject,
  decideVerification,
  hashKey,
  parseKey,
  type VerificationCode,
  type VerificationRequest,
  type VerificationSubject,
} from "../core/index.js";
import type { KeywardMetrics } from "../metrics/index.js";
import type { KeyStore } from "../storage/port.js";
import type { UsageRecorder } from "./usage-recorder.js";
import type { VerifyCache } from "./verify-cache.js";

export interface VerifyOutcome {
  code: VerificationCode;
  /** The key's compiled record when the key was found in the caller's scope, else null. */
  subject: VerificationSubject | null;
}

export interface VerifierDeps {
  keys: Pick<KeyStore, "findForVerification">;
  cache: VerifyCache;
  usage: UsageRecorder;
  metrics: KeywardMetrics;
  now: () => number;
}

export class Verifier {
  /** Single flight: concurrent misses on one hash share one store read. */
  private readonly loading = new Map<string, { epoch: number; promise: Promise<VerificationSubject | null> }>();

  constructor(private readonly deps: VerifierDeps) {}

  async verify(key: string, request: VerificationRequest): Promise<VerifyOutcome> {
    const { cache, metrics } = this.deps;
    if (!parseKey(key).ok) return this.count({ code: "MALFORMED", subject: null });
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
    if (decision.ok) {
      this.deps.usage.record(decision.subject.source.key.id, new Date(now));
      return this.count({ code: "VALID", subject: decision.subject });
    }
    return this.count({ code: decision.code, subject: decision.subject });
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
