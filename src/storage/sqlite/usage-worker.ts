// The usage writer's thread (see usage-writer.ts): its own connection to the database file, running each
// batch of usage statements it is sent in one transaction and answering { id, error? }.
import { parentPort, workerData } from "node:worker_threads";
import BetterSqlite3 from "better-sqlite3";
import type { UsageStatement } from "../kysely/key-usage.js";

export interface UsageWorkerData {
  filename: string;
  busyTimeoutMs: number;
}

export interface UsageBatch {
  id: number;
  statements: UsageStatement[];
}

export interface UsageReply {
  id: number;
  /** The error's message when the batch was not written (nothing of it was: it is one transaction). */
  error?: string;
}

const { filename, busyTimeoutMs } = workerData as UsageWorkerData;
const database = new BetterSqlite3(filename, { fileMustExist: true });
database.pragma(`busy_timeout = ${busyTimeoutMs}`);
// Usage counters are advisory, and a crash of the process loses the counts still in memory anyway: this
// connection's commits skip the fsync (WAL: a power loss may drop the last flushes, never corrupt the
// file; the next commit of the server's own connection, which keeps FULL, syncs them along).
database.pragma("synchronous = NORMAL");

const prepared = new Map<string, BetterSqlite3.Statement>();
const statementFor = (sql: string) => {
  let statement = prepared.get(sql);
  if (statement === undefined) prepared.set(sql, (statement = database.prepare(sql)));
  return statement;
};
const writeBatch = database.transaction((statements: UsageStatement[]) => {
  for (const { sql, parameters } of statements) statementFor(sql).run(...parameters);
});

parentPort!.on("message", ({ id, statements }: UsageBatch) => {
  let reply: UsageReply;
  try {
    writeBatch(statements);
    reply = { id };
  } catch (error) {
    reply = { id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(reply);
});
