// The cluster adapter: PostgreSQL through a pg Pool, shared by every Keyward node.
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { createKyselyStore, migrateToLatest, type Database } from "../kysely/index.js";
import type { Store } from "../port.js";
import { postgresProfile } from "./postgres-profile.js";
import { PreparingClient } from "./prepared-statements.js";
import { currentSchema, ensureSchema, searchPathOption } from "./postgres-schema.js";

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database` */
  connectionString: string;
  /** Keep Keyward's tables in this schema (created if missing) instead of the connection's default. */
  schema?: string;
  /** Pool size. Default 10. */
  maxConnections?: number;
  /**
   * Errors of idle pooled connections (e.g. the server restarted). pg emits them on the pool, and an
   * unheard pool error would crash the process; the pool drops the connection and the next query reconnects.
   */
  onPoolError?: (error: Error) => void;
}

export async function createPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
    Client: PreparingClient,
    ...(options.schema !== undefined && { options: searchPathOption(options.schema) }),
  });
  pool.on("error", options.onPoolError ?? (() => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    if (options.schema !== undefined) await ensureSchema(db, options.schema);
    const schema = options.schema ?? (await currentSchema(db));
    await migrateToLatest(db, postgresProfile, { migrationTableSchema: schema });
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return createKyselyStore(db, postgresProfile);
}
