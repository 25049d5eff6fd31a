// Shared kysely implementation of the storage port, used by the SQLite and PostgreSQL adapters.
export { createKyselyStore } from "./kysely-store.js";
export type { Codec, ColumnTypes, DialectProfile } from "./dialect-profile.js";
export { migrateToLatest, type MigrateOptions } from "./migrations/migrate.js";
export type { Database } from "./schema.js";
