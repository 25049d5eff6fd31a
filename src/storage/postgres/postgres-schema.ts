// Which PostgreSQL schema the store lives in: an explicit one (created on demand), or the connection's current one.
import { sql, type Kysely } from "kysely";

/** Lower-case identifiers only: they need no quoting in `search_path` and cannot smuggle SQL into it. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertSchemaName(schema: string): void {
  if (!SCHEMA_NAME.test(schema)) {
    throw new RangeError(`invalid PostgreSQL schema name "${schema}": use lower-case letters, digits and _`);
  }
}

/** The libpq startup option that makes every pooled connection resolve tables in `schema`. */
export function searchPathOption(schema: string): string {
  assertSchemaName(schema);
  return `-c search_path=${schema}`;
}

async function schemaExists(db: Kysely<any>, schema: string): Promise<boolean> {
  const result = await sql<{ found: number }>`select 1 as found from pg_namespace where nspname = ${schema}`.execute(db);
  return result.rows.length > 0;
}

/** Creates the schema; `if not exists` still races between nodes starting together, so a loser re-checks. */
export async function ensureSchema(db: Kysely<any>, schema: string): Promise<void> {
  assertSchemaName(schema);
  try {
    await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
  } catch (error) {
    if (!(await schemaExists(db, schema))) throw error;
  }
}

export async function currentSchema(db: Kysely<any>): Promise<string> {
  const result = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const schema = result.rows[0]?.schema;
  if (!schema) throw new Error("PostgreSQL search_path names no existing schema; set one or pass `schema`");
  return schema;
}
