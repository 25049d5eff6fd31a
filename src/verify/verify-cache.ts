// The in-process verification cache: SHA-256 → compiled subject (or "unknown"), bounded, with TTLs.
// Written by hand (not an LRU package) because it also keeps a keyId → hash index for invalidation
// and must cost no more than two Map operations on a hit.
import type { PlannedLimit, VerificationSubject } from "../core/index.js";
import type { BucketHolder } from "../limits/memory/memory-limiter.js";
import type { UsageSlot } from "./usage-recorder.js";

export interface VerifyCacheOptions {
  maxEntries: number;
  ttlMs: number;
  negativeTtlMs: number;
}

/**
 * A cached verification. Besides the subject it keeps what the verifier would otherwise look up per call
 * in maps of its own (the auto-apply plan, the key's pending usage): one object touched instead of several,
 * which on a large cache is most of a hit's cost (each is a likely CPU cache miss).
 */
export interface CacheEntry extends UsageSlot, BucketHolder {
  readonly subject: VerificationSubject | null;
  readonly expiresAt: number;
  /** The subject's auto-apply limits once planned; null until then. */
  autoPlan: PlannedLimit[] | null;
}

export type CacheLookup = { hit: true; subject: VerificationSubject | null } | { hit: false };

const MISS: CacheLookup = { hit: false };

export class VerifyCache {
  private readonly entries = new Map<string, CacheEntry>();
  /**
   * A rotated key may be cached under its current and its retired secrets' hashes. One hash (nearly every
   * key) is kept as the string itself, a Set only for several: a Set per cached key would cost ~150 bytes.
   */
  private readonly hashesByKeyId = new Map<string, string | Set<string>>();
  private invalidations = 0;

  constructor(private readonly options: VerifyCacheOptions) {}

  /** Grows on every invalidation: a store read that started before one must not be cached after it. */
  get epoch(): number {
    return this.invalidations;
  }

  get size(): number {
    return this.entries.size;
  }

  get(hash: string, now: number): CacheLookup {
    const found = this.lookup(hash, now);
    return found === undefined ? MISS : { hit: true, subject: found };
  }

  /** The hot-path form of `get`, allocating nothing: undefined on a miss, null for a known unknown key. */
  lookup(hash: string, now: number): VerificationSubject | null | undefined {
    return this.entry(hash, now)?.subject;
  }

  /** The live entry of a hash, or undefined (an expired one is dropped). */
  entry(hash: string, now: number): CacheEntry | undefined {
    const entry = this.entries.get(hash);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now) {
      this.remove(hash);
      return undefined;
    }
    return entry;
  }

  set(hash: string, subject: VerificationSubject | null, now: number): void {
    if (this.options.maxEntries === 0) return;
    const ttl = subject ? this.options.ttlMs : this.options.negativeTtlMs;
    if (ttl === 0) return;
    this.remove(hash);
    // Map keeps insertion order: the first entries are the oldest, evicted first.
    while (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.remove(oldest);
    }
    this.entries.set(hash, { subject, expiresAt: now + ttl, autoPlan: null, heldBucket: null, usageKeyId: subject ? subject.source.key.id : "", usageCount: 0, usageLastAt: 0 });
    if (subject) {
      const keyId = subject.source.key.id;
      const known = this.hashesByKeyId.get(keyId);
      if (known === undefined) this.hashesByKeyId.set(keyId, hash);
      else if (typeof known !== "string") known.add(hash);
      else if (known !== hash) this.hashesByKeyId.set(keyId, new Set([known, hash]));
    }
  }

  /** Drops a key's entry, so the next verification reads the store. */
  invalidateKey(keyId: string): void {
    this.invalidations++;
    const known = this.hashesByKeyId.get(keyId);
    if (known === undefined) return;
    for (const hash of typeof known === "string" ? [known] : [...known]) this.remove(hash);
  }

  /** Drops an entry by hash (e.g. a negative entry for a key just created). */
  delete(hash: string): void {
    this.invalidations++;
    this.remove(hash);
  }

  private remove(hash: string): void {
    const entry = this.entries.get(hash);
    if (!entry) return;
    this.entries.delete(hash);
    if (entry.subject) {
      const keyId = entry.subject.source.key.id;
      const known = this.hashesByKeyId.get(keyId);
      if (typeof known === "string") {
        if (known === hash) this.hashesByKeyId.delete(keyId);
      } else if (known !== undefined) {
        known.delete(hash);
        if (known.size === 0) this.hashesByKeyId.delete(keyId);
        else if (known.size === 1) this.hashesByKeyId.set(keyId, known.values().next().value as string);
      }
    }
  }

  /** Drops every entry of a workspace (role, identity or API changes touch many keys at once). */
  invalidateWorkspace(workspaceId: string): void {
    this.invalidations++;
    for (const [hash, entry] of this.entries) {
      if (entry.subject === null || entry.subject.workspaceId === workspaceId) this.remove(hash);
    }
  }

  clear(): void {
    this.invalidations++;
    this.entries.clear();
    this.hashesByKeyId.clear();
  }
}
