// Write-behind usage: lastUsedAt and verification counts collect in memory and are flushed in one
// batch, so the verify path never writes to the database. A failed flush keeps the counts for the next.
import type { KeyStore, KeyUsage } from "../storage/port.js";

export interface UsageLogger {
  warn(object: object, message: string): void;
  info?(object: object, message: string): void;
}

export class UsageRecorder {
  private pending = new Map<string, KeyUsage>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly keys: Pick<KeyStore, "recordUsage">,
    private readonly logger: UsageLogger,
    private readonly onFlush: (outcome: "ok" | "error", keys: number) => void = () => {},
  ) {}

  record(keyId: string, at: Date): void {
    const entry = this.pending.get(keyId);
    if (entry) {
      entry.verifications++;
      if (at > entry.lastUsedAt) entry.lastUsedAt = at;
    } else {
      this.pending.set(keyId, { keyId, lastUsedAt: at, verifications: 1 });
    }
  }

  get pendingKeys(): number {
    return this.pending.size;
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
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    this.flushing = this.keys
      .recordUsage([...batch.values()])
      .then(() => this.onFlush("ok", batch.size))
      .catch((error: unknown) => {
        for (const usage of batch.values()) {
          const later = this.pending.get(usage.keyId);
          if (later) {
            later.verifications += usage.verifications;
            if (usage.lastUsedAt > later.lastUsedAt) later.lastUsedAt = usage.lastUsedAt;
          } else {
            this.pending.set(usage.keyId, usage);
          }
        }
        this.onFlush("error", batch.size);
        this.logger.warn({ err: error, keys: batch.size }, "usage flush failed; will retry");
      })
      .finally(() => {
        this.flushing = null;
      });
    await this.flushing;
  }
}
