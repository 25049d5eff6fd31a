// The SQLite adapter of the storage port.
export { createSqliteStore, type SqliteStoreOptions } from "./sqlite-store.js";
export { sqliteProfile } from "./sqlite-profile.js";
