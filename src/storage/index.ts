// Storage: the port services use, and the adapters that implement it (SQLite embedded, PostgreSQL cluster).
export * from "./port.js";
export { createStore, isPostgresUrl, type StoreOptions } from "./create-store.js";
export { createSqliteStore, type SqliteStoreOptions } from "./sqlite/index.js";
export { createPostgresStore, type PostgresStoreOptions } from "./postgres/index.js";
