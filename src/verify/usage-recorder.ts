// Write-behind usage: lastUsedAt and verification counts collect in memory and are flushed in batches,
// so the verify path never writes to the database. A failed flush keeps the counts for the next.
import type { KeyStore, KeyUsage } from "../storage/port.js";

/**
 * Keys written per store call (one short transaction each). Short transactions hold the database's write
 * lock briefly, so a management write never waits long behind a flush of 10,000 keys. On SQLite the flush
 * once ran on the event loop, where 100 rather than 250 cut the loop's longest stall from 60-75 ms to ~20 ms;
 * it now runs on the store's usage-writer thread (storage/sqlite/usage-writer.ts; docs/performance.md).
 */
export const FLUSH_CHUNK_KEYS = 100;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

const toKeyUsage = (usage: PendingUsage): KeyUsage => ({ keyId: usage.keyId, lastUsedAt: new Date(usage.lastUsedAt), verifications: usage.verifications });

export interface UsageLogger {
  warn(object: object, message: string): void;
  info?(object: object, message: string): void;
}

/** Usage collected for one key; the time stays a number until the flush (no Date per verification). */
interface PendingUsage {
  keyId: string;
  lastUsedAt: number;
  verifications: number;
}

/**
 * Usage counted inside an object the caller already holds (the verifier's cache entry for the key), so a
 * verification adds to it without a map lookup; the recorder lists slots that counted and folds them into
 * its pending usage at the flush. A key may count in several slots (a rotated key's secrets): they add up.
 */
export interface UsageSlot {
  readonly usageKeyId: string;
  /** Verifications since the last flush; 0 when the slot is not listed. */
  usageCount: number;
  usageLastAt: number;
}

export class UsageRecorder {
  private pending = new Map<string, PendingUsage>();
  /** Slots with a count, each listed once (when its count leaves 0). */
  private slots: UsageSlot[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly keys: Pick<KeyStore, "recordUsage">,
    private readonly logger: UsageLogger,
    private readonly onFlush: (outcome: "ok" | "error", keys: number) => void = () => {},
  ) {}

  /** `at` in ms since the epoch. */
  record(keyId: string, at: number): void {
    this.add(keyId, at, 1);
  }

  /** `record` into a slot the caller holds (see UsageSlot). */
  recordInto(slot: UsageSlot, at: number): void {
    if (slot.usageCount === 0) {
      this.slots.push(slot);
      slot.usageLastAt = at;
    } else if (at > slot.usageLastAt) {
      slot.usageLastAt = at;
    }
    slot.usageCount++;
  }

  get pendingKeys(): number {
    this.collectSlots();
    return this.pending.size;
  }

  private add(keyId: string, at: number, verifications: number): void {
    const entry = this.pending.get(keyId);
    if (entry !== undefined) {
      entry.verifications += verifications;
      if (at > entry.lastUsedAt) entry.lastUsedAt = at;
    } else {
      this.pending.set(keyId, { keyId, lastUsedAt: at, verifications });
    }
  }

  private collectSlots(): void {
    const slots = this.slots;
    if (slots.length === 0) return;
    this.slots = [];
    for (const slot of slots) {
      this.add(slot.usageKeyId, slot.usageLastAt, slot.usageCount);
      slot.usageCount = 0;
    }
  }

  start(intervalMs: number): void {
    this.stop();
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Writes what has collected; concurrent calls share one flush. */
  async flush(): Promise<void> {
    if (this.flushing) await this.flushing;
    this.collectSlots();
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    this.flushing = this.write(batch).finally(() => {
      this.flushing = null;
    });
    await this.flushing;
  }

  private async write(batch: PendingUsage[]): Promise<void> {
    for (let from = 0; from < batch.length; from += FLUSH_CHUNK_KEYS) {
      if (from > 0) await nextTurn();
      try {
        await this.keys.recordUsage(batch.slice(from, from + FLUSH_CHUNK_KEYS).map(toKeyUsage));
      } catch (error) {
        // Chunks already written stay written (usage only adds up); the rest waits for the next flush.
        const unwritten = batch.slice(from);
        this.restore(unwritten);
        this.onFlush("error", unwritten.length);
        this.logger.warn({ err: error, keys: unwritten.length }, "usage flush failed; will retry");
        return;
      }
    }
    this.onFlush("ok", batch.length);
  }

  private restore(usages: readonly PendingUsage[]): void {
    for (const usage of usages) {
      const later = this.pending.get(usage.keyId);
      if (later) {
        later.verifications += usage.verifications;
        if (usage.lastUsedAt > later.lastUsedAt) later.lastUsedAt = usage.lastUsedAt;
      } else {
        this.pending.set(usage.keyId, usage);
      }
    }
  }
}
