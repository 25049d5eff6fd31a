// Writes signed checkpoints of every workspace whose chain head moved since its last checkpoint: at an
// interval and once more on shutdown. Several nodes may write the same checkpoint; the store keeps one.
import { signCheckpoint, type AuditSigningKey } from "../core/index.js";
import type { AuditStore } from "../storage/port.js";

export interface CheckpointWriterOptions {
  audit: AuditStore;
  key: AuditSigningKey;
  now: () => Date;
  logger?: { warn(object: object, message: string): void };
}

export interface CheckpointWriter {
  /** Signs and stores a checkpoint of each moved head; returns how many were written. */
  writeNow(): Promise<number>;
  start(intervalMs: number): void;
  /** Stops the timer and waits for a write in progress. */
  stop(): Promise<void>;
}

export function createCheckpointWriter(options: CheckpointWriterOptions): CheckpointWriter {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<number> | null = null;

  async function write(): Promise<number> {
    let written = 0;
    for (const head of await options.audit.headsWithoutCheckpoint()) {
      if (await options.audit.addCheckpoint(signCheckpoint(head, options.now(), options.key))) written++;
    }
    return written;
  }

  const writeNow = (): Promise<number> => {
    // One write at a time: a timer tick during a slow write waits for it instead of doubling the work.
    const next = (running ?? Promise.resolve(0)).catch(() => 0).then(write);
    running = next;
    return next.finally(() => {
      if (running === next) running = null;
    });
  };

  return {
    writeNow,
    start(intervalMs) {
      if (timer) return;
      timer = setInterval(() => {
        writeNow().catch((error: unknown) => options.logger?.warn({ err: error }, "audit checkpoint: write failed; retried at the next interval"));
      }, intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running?.catch(() => 0);
    },
  };
}
