// The embedded adapter: one SQLite file through better-sqlite3, for single-node installs and tests.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import { createKyselyStore, migrateToLatest, type Database } from "../kysely/index.js";
import type { Store } from "../port.js";
import { sqliteProfile } from "./sqlite-profile.js";

export interface SqliteStoreOptions {
  /** Path of the database file (its directory is created if missing), or `:memory:`. */
  filename: string;
  /** How long a write waits for another connection's lock before failing. Default 5000 ms. */
  busyTimeoutMs?: number;
}

const MEMORY = ":memory:";

export async function createSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  const { filename } = options;
  if (filename !== MEMORY) mkdirSync(dirname(filename), { recursive: true });
  const database = new BetterSqlite3(filename);
  try {
    // WAL lets readers (the CLI, a backup) run while the server writes.
    database.pragma("journal_mode = WAL");
    // The schema relies on cascades and ON DELETE SET NULL. better-sqlite3 builds turn this on already;
    // SQLite itself defaults it off, so it is set here rather than assumed.
    database.pragma("foreign_keys = ON");
    database.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
  } catch (error) {
    database.close();
    throw error;
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  try {
    await migrateToLatest(db, sqliteProfile);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return createKyselyStore(db, sqliteProfile);
}
