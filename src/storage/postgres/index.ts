// The PostgreSQL adapter of the storage port.
export { createPostgresStore, type PostgresStoreOptions } from "./postgres-store.js";
export { postgresProfile } from "./postgres-profile.js";
