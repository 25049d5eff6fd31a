// The embedded adapter: one SQLite file through better-sqlite3, for single-node installs and tests.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import { createKyselyStore, migrateToLatest, type Database } from "../kysely/index.js";
import { runUsageStatements, usageStatements } from "../kysely/key-usage.js";
import type { Store } from "../port.js";
import { sqliteProfile } from "./sqlite-profile.js";
import { UsageWriter } from "./usage-writer.js";

export interface SqliteStoreOptions {
  /** Path of the database file (its directory is created if missing), or `:memory:`. */
  filename: string;
  /** How long a write waits for another connection's lock before failing. Default 5000 ms. */
  busyTimeoutMs?: number;
}

const MEMORY = ":memory:";
/** Distinct SQL texts kept compiled; past it the oldest is dropped (lists with many ids make one-off texts). */
const STATEMENT_CACHE_SIZE = 500;

/**
 * kysely prepares every query it runs, and better-sqlite3 compiles the SQL on each prepare: a third of a
 * cache-miss verification went to compiling the same few statements again (docs/performance.md). The
 * compiled statement is kept by its SQL text instead. Safe because every statement runs to completion
 * synchronously (`all`/`run`); nothing in Keyward streams a query, which would hold a statement busy.
 */
function withStatementCache(database: BetterSqlite3.Database) {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => database.close(),
    prepare(sql: string): BetterSqlite3.Statement {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = database.prepare(sql);
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value as string);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}

export async function createSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  const { filename } = options;
  if (filename !== MEMORY) mkdirSync(dirname(filename), { recursive: true });
  const database = new BetterSqlite3(filename);
  const busyTimeoutMs = Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000));
  try {
    // WAL lets readers (the CLI, a backup) run while the server writes.
    database.pragma("journal_mode = WAL");
    // The schema relies on cascades and ON DELETE SET NULL. better-sqlite3 builds turn this on already;
    // SQLite itself defaults it off, so it is set here rather than assumed.
    database.pragma("foreign_keys = ON");
    database.pragma(`busy_timeout = ${busyTimeoutMs}`);
  } catch (error) {
    database.close();
    throw error;
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  try {
    await migrateToLatest(db, sqliteProfile);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const store = createKyselyStore(db, sqliteProfile);
  // An in-memory database exists on this connection only: its usage is written here.
  if (filename === MEMORY) return store;
  const ctx = { db, profile: sqliteProfile };
  const writer = new UsageWriter({ filename, busyTimeoutMs }, (statements) => runUsageStatements(ctx, statements));
  return {
    ...store,
    keys: { ...store.keys, recordUsage: (usage) => writer.write(usageStatements(ctx, usage)) },
    async close() {
      await writer.close();
      await store.close();
    },
  };
}
