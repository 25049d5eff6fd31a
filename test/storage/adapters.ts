// The adapters the storage contract runs against: SQLite always, PostgreSQL when a test server is named.
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";
import { createPostgresStore, createSqliteStore, type Store, type StoreCapabilities } from "../../src/storage/index.js";
import type { DialectProfile } from "../../src/storage/kysely/index.js";
import { postgresProfile } from "../../src/storage/postgres/index.js";
import { sqliteProfile } from "../../src/storage/sqlite/index.js";

/** One database of a test run: open as many stores on it as needed, then remove it. */
export interface TestDatabase {
  /** Opens a store on this database; every call opens the same database again. */
  open(): Promise<Store>;
  /** Rows in kysely's migration table: how many migrations the database has recorded. */
  migrationCount(): Promise<number>;
  /** A bare kysely handle on this database, no migrations run: for building an older schema by hand. */
  connect(): Promise<RawDatabase>;
  cleanup(): Promise<void>;
}

export interface RawDatabase {
  db: Kysely<any>;
  profile: DialectProfile;
  /** Where kysely's migration table lives (PostgreSQL: the run's schema). */
  migrationTableSchema?: string;
}

export interface StoreAdapter {
  name: string;
  capabilities: StoreCapabilities;
  /** A new, empty database (a temp file, a random schema). */
  newDatabase(): TestDatabase;
}

function sqliteDatabase(): TestDatabase {
  const dir = mkdtempSync(join(tmpdir(), "keyward-store-"));
  // A directory that does not exist yet: the factory must create it.
  const filename = join(dir, "nested", "keyward.db");
  return {
    open: () => createSqliteStore({ filename }),
    async migrationCount() {
      const db = new Database(filename, { readonly: true });
      try {
        return (db.prepare("select count(*) as n from kysely_migration").get() as { n: number }).n;
      } finally {
        db.close();
      }
    },
    async connect() {
      mkdirSync(dirname(filename), { recursive: true });
      return { db: new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(filename) }) }), profile: sqliteProfile };
    },
    async cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function runSql<T extends pg.QueryResultRow>(connectionString: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

function postgresDatabase(connectionString: string): TestDatabase {
  // A schema of its own per run: runs against one server never see each other's rows.
  const schema = `keyward_test_${randomBytes(6).toString("hex")}`;
  return {
    open: () => createPostgresStore({ connectionString, schema }),
    async migrationCount() {
      const rows = await runSql<{ n: string }>(connectionString, `select count(*) as n from "${schema}".kysely_migration`);
      return Number(rows[0]?.n);
    },
    async connect() {
      await runSql(connectionString, `create schema if not exists "${schema}"`);
      const pool = new pg.Pool({ connectionString, max: 2, options: `-c search_path=${schema}` });
      return { db: new Kysely<any>({ dialect: new PostgresDialect({ pool }) }), profile: postgresProfile, migrationTableSchema: schema };
    },
    async cleanup() {
      await runSql(connectionString, `drop schema if exists "${schema}" cascade`);
    },
  };
}

export function storeAdapters(): StoreAdapter[] {
  const adapters: StoreAdapter[] = [
    { name: "sqlite", capabilities: { notifications: false, sharedAcrossProcesses: false }, newDatabase: sqliteDatabase },
  ];
  const postgresUrl = process.env.KEYWARD_TEST_POSTGRES_URL;
  if (postgresUrl) {
    adapters.push({
      name: "postgres",
      capabilities: { notifications: true, sharedAcrossProcesses: true },
      newDatabase: () => postgresDatabase(postgresUrl),
    });
  }
  return adapters;
}
