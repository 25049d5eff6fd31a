// Usage write-behind off the event loop. better-sqlite3 is synchronous: every usage flush transaction held
// the event loop for its statements and its commit's fsync, and each verification waiting behind it paid
// that as latency (the HTTP benchmark's p99 fell from ~100 ms to ~17 ms with the flush off: docs/
// performance.md, section 8). The usage UPDATEs run instead on a worker thread with its own connection to
// the same file (WAL lets the two connections interleave; the worker holds the write lock for one short
// transaction at a time). Only the flush moves: every other write stays on the server's connection.
import { Worker } from "node:worker_threads";
import type { UsageStatement } from "../kysely/key-usage.js";
import type { UsageBatch, UsageReply, UsageWorkerData } from "./usage-worker.js";

/** Batches and statements the writer committed, process-wide (the benchmark counts them as flush writes). */
export const usageWriterCounts = { transactions: 0, statements: 0 };

interface Pending {
  statements: UsageStatement[];
  resolve: () => void;
  reject: (error: Error) => void;
}

export class UsageWriter {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private readonly inFlight = new Set<Promise<void>>();
  private nextId = 1;
  private closed = false;
  /** Set when the thread failed before it ever answered (its file missing, say): writes go to `inline`. */
  private unavailable = false;
  private answered = false;

  /** `inline` writes on the server's own connection: the way when no thread can run. */
  constructor(
    private readonly data: UsageWorkerData,
    private readonly inline: (statements: UsageStatement[]) => Promise<void>,
  ) {}

  /** Runs `statements` in one transaction on the writer's connection. */
  write(statements: UsageStatement[]): Promise<void> {
    if (statements.length === 0) return Promise.resolve();
    if (this.closed) return Promise.reject(new Error("the store is closed"));
    if (this.unavailable) return this.inline(statements);
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    // A batch in flight keeps the process alive (an awaited promise alone would not); an idle thread does not.
    worker.ref();
    const written = new Promise<void>((resolve, reject) => {
      this.pending.set(id, { statements, resolve, reject });
      worker.postMessage({ id, statements } satisfies UsageBatch);
    });
    this.inFlight.add(written);
    const forget = () => {
      this.inFlight.delete(written);
      if (this.pending.size === 0) this.worker?.unref();
    };
    written.then(forget, forget);
    return written;
  }

  /** Waits for the batches sent, then stops the thread. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled(this.inFlight);
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
  }

  private start(): Worker {
    // From TypeScript sources (tests, `npm run dev`) the thread registers tsx's loader first, as the main
    // thread has (a worker's execArgv cannot carry `--import` here).
    const fromSource = import.meta.url.endsWith(".ts");
    const entry = new URL(fromSource ? "./usage-worker.ts" : "./usage-worker.js", import.meta.url);
    const worker = fromSource
      ? new Worker(`import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`, {
          eval: true,
          workerData: this.data,
        })
      : new Worker(entry, { workerData: this.data });
    worker.on("message", (reply: UsageReply) => this.settle(reply));
    // A thread that dies fails what it held (the recorder keeps those counts for its next flush) and the
    // next write starts another. One that dies before it ever answered cannot run here (its file is
    // missing, say): its batches and every later one are written inline instead.
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = null;
      if (!this.answered && !this.closed) this.unavailable = true;
      for (const [id, pending] of this.pending) {
        this.pending.delete(id);
        if (this.unavailable) this.inline(pending.statements).then(pending.resolve, pending.reject);
        else pending.reject(error);
      }
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`usage writer thread exited (code ${code})`)));
    this.worker = worker;
    return worker;
  }

  private settle({ id, error }: UsageReply): void {
    this.answered = true;
    const pending = this.pending.get(id);
    if (pending === undefined) return;
    this.pending.delete(id);
    if (error !== undefined) return pending.reject(new Error(`usage flush: ${error}`));
    usageWriterCounts.transactions++;
    usageWriterCounts.statements += pending.statements.length;
    pending.resolve();
  }
}
