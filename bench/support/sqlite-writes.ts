// Counts the SQLite statements executed, by wrapping better-sqlite3's Statement methods (run for writes,
// all/get/iterate for reads). Usage flushes (write-behind of lastUsedAt and counts) are told apart from
// the writes of background jobs that no request waits for (the webhook delivery worker claiming its
// outbox rows), and from every other write, which is what "a write on the request path" would be.
import BetterSqlite3 from "better-sqlite3";

export interface WriteCounts {
  /** Statements that read. */
  reads: number;
  /** Write statements other than usage flushes and transaction control: must stay 0 while verifying. */
  requestPathWrites: number;
  /** `update keys set last_used_at …` statements of the write-behind usage recorder. */
  usageFlushWrites: number;
  /** begin / commit / rollback / savepoint. */
  transactionControl: number;
  /** Writes of background jobs (the webhook outbox worker's claims), run by timers, not by requests. */
  backgroundJobWrites: number;
  /** Committed transactions that wrote usage: one per background flush. */
  usageFlushes: number;
  /** The first few request-path write statements, to say what wrote. */
  examples: string[];
}

const TRANSACTION = /^\s*(begin|commit|rollback|savepoint|release)\b/i;
const USAGE_FLUSH = /update\s+"?keys"?\s+set\s+"?last_used_at"?/i;
const BACKGROUND_JOB = /^\s*update\s+"?webhook_deliveries"?\s+set\s+"?claimed_until"?/i;

let counts: WriteCounts = fresh();
let installed = false;
let flushInTransaction = false;

function fresh(): WriteCounts {
  return { reads: 0, requestPathWrites: 0, usageFlushWrites: 0, backgroundJobWrites: 0, transactionControl: 0, usageFlushes: 0, examples: [] };
}

/** Patches better-sqlite3's statements in this process (idempotent): every execution is counted. */
export function installWriteCounter(): void {
  if (installed) return;
  installed = true;
  const probe = new BetterSqlite3(":memory:");
  const prototype = Object.getPrototypeOf(probe.prepare("select 1")) as Record<"run" | "all" | "get" | "iterate", (...args: unknown[]) => unknown>;
  probe.close();
  const run = prototype.run;
  prototype.run = function (this: { source: string }, ...args: unknown[]) {
    count(this.source);
    return run.apply(this, args);
  };
  for (const method of ["all", "get", "iterate"] as const) {
    const original = prototype[method];
    prototype[method] = function (this: { source: string; reader: boolean }, ...args: unknown[]) {
      if (this.reader) counts.reads++;
      else count(this.source);
      return original.apply(this, args);
    };
  }
}

function count(sql: string): void {
  if (TRANSACTION.test(sql)) {
    counts.transactionControl++;
    if (/^\s*commit/i.test(sql) && flushInTransaction) counts.usageFlushes++;
    flushInTransaction = false;
  } else if (BACKGROUND_JOB.test(sql)) {
    counts.backgroundJobWrites++;
  } else if (USAGE_FLUSH.test(sql)) {
    counts.usageFlushWrites++;
    flushInTransaction = true;
  } else {
    counts.requestPathWrites++;
    if (counts.examples.length < 5) counts.examples.push(sql.slice(0, 120));
  }
}

export function writeCounts(): WriteCounts {
  return { ...counts, examples: [...counts.examples] };
}

export function resetWriteCounts(): void {
  counts = fresh();
}
