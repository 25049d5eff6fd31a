// Opens the store a database URL names: a SQLite file path (or `:memory:`), or a PostgreSQL URL.
import type { Store } from "./port.js";
import { createPostgresStore } from "./postgres/postgres-store.js";
import { createSqliteStore } from "./sqlite/sqlite-store.js";

export interface StoreOptions {
  /** `postgres://…` / `postgresql://…`, else a SQLite file path (or `:memory:`). */
  url: string;
  /** PostgreSQL only: schema to keep the tables in, created if missing. */
  schema?: string;
  /** PostgreSQL only: pool size. */
  maxConnections?: number;
  /** PostgreSQL only: errors of idle pooled connections. */
  onPoolError?: (error: Error) => void;
}

const POSTGRES_URL = /^postgres(ql)?:\/\//i;
/** Any other `scheme://` is refused rather than taken for a relative file path such as `mysql:/…`. */
const OTHER_URL = /^[a-z][a-z0-9+.-]*:\/\//i;

export function isPostgresUrl(url: string): boolean {
  return POSTGRES_URL.test(url);
}

/** Opens the database and brings its schema up to date before returning. */
export function createStore(options: StoreOptions): Promise<Store> {
  const { url } = options;
  if (isPostgresUrl(url)) {
    return createPostgresStore({
      connectionString: url,
      schema: options.schema,
      maxConnections: options.maxConnections,
      onPoolError: options.onPoolError,
    });
  }
  if (OTHER_URL.test(url)) {
    return Promise.reject(new Error(`unsupported database URL scheme in "${url.slice(0, url.indexOf("://"))}://…"`));
  }
  if (url.trim() === "") return Promise.reject(new Error("database URL is empty"));
  return createSqliteStore({ filename: url });
}
