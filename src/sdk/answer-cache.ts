// A short in-process memory of positive verifications, so a busy client does not cost a Keyward round
// trip per request. Entries are keyed by SHA-256 of the key (never the key) plus the caller's IP and
// origin, because a key's IP/referrer restrictions make the answer depend on them.
import { createHash } from "node:crypto";

interface Entry<T> {
  value: T;
  expiresAt: number;
}

export interface AnswerCacheOptions {
  ttlMs: number;
  maxEntries: number;
  now?: () => number;
}

export function hashKey(key: string): string {
  return createHash("sha256").update(key).digest("base64url");
}

export class AnswerCache<T> {
  /** key hash → (caller variant → entry): a refusal drops every variant of the key at once. */
  private readonly entries = new Map<string, Map<string, Entry<T>>>();
  private size = 0;
  private readonly now: () => number;

  constructor(private readonly options: AnswerCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  get enabled(): boolean {
    return this.options.ttlMs > 0 && this.options.maxEntries > 0;
  }

  get(keyHash: string, variant: string): T | undefined {
    const variants = this.entries.get(keyHash);
    const entry = variants?.get(variant);
    if (!variants || !entry) return undefined;
    if (entry.expiresAt > this.now()) return entry.value;
    variants.delete(variant);
    this.size -= 1;
    if (variants.size === 0) this.entries.delete(keyHash);
    return undefined;
  }

  /** `notAfter`: epoch ms the answer must not outlive (the key's own expiry). */
  set(keyHash: string, variant: string, value: T, notAfter = Infinity): void {
    if (!this.enabled) return;
    const expiresAt = Math.min(this.now() + this.options.ttlMs, notAfter);
    if (expiresAt <= this.now()) return;
    let variants = this.entries.get(keyHash);
    if (!variants) this.entries.set(keyHash, (variants = new Map()));
    if (!variants.has(variant)) this.size += 1;
    variants.set(variant, { value, expiresAt });
    // Oldest keys first (Map keeps insertion order); a bound, not an LRU: entries live seconds anyway.
    for (const [oldest, dropped] of this.entries) {
      if (this.size <= this.options.maxEntries) break;
      this.entries.delete(oldest);
      this.size -= dropped.size;
    }
  }

  drop(keyHash: string): void {
    const variants = this.entries.get(keyHash);
    if (!variants) return;
    this.entries.delete(keyHash);
    this.size -= variants.size;
  }
}
