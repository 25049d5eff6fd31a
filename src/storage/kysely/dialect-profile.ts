// What differs between the SQL backends, as data: column types for migrations, value codecs and error
// recognition. Shared repository code reads these and never asks which database it is talking to.
import type { Expression, RawBuilder, SelectQueryBuilder } from "kysely";
import type { StoreCapabilities } from "../port.js";
import type { BoolValue, JsonValue, TimeValue } from "./schema.js";

/** A column type as kysely's schema builder accepts it: a keyword or a raw SQL expression. */
export type ColumnTypeName = "text" | "integer" | "bigint" | "boolean" | "timestamptz" | "jsonb" | Expression<unknown>;

export interface ColumnTypes {
  /** Ids must sort bytewise (they are time-ordered base62): PostgreSQL needs `collate "C"` for that. */
  id: ColumnTypeName;
  time: ColumnTypeName;
  bool: ColumnTypeName;
  json: ColumnTypeName;
  /** A 64-bit whole number: counts, credit balances, durations in ms. */
  count: ColumnTypeName;
}

export interface Codec<T, Stored> {
  encode(value: T): Stored;
  decode(stored: Stored): T;
}

export interface DialectProfile {
  readonly capabilities: StoreCapabilities;
  readonly columnTypes: ColumnTypes;
  readonly time: Codec<Date, TimeValue>;
  readonly bool: Codec<boolean, BoolValue>;
  readonly json: Codec<unknown, JsonValue>;
  /**
   * A subquery's rows as one JSON array value (kysely's `jsonArrayFrom` helper of the dialect; the subquery
   * names its columns, no selectAll), read back with `json.decode`; inside, values are as the dialect's JSON
   * renders them (times as numbers or ISO text, JSON columns as text or nested), which the codecs decode.
   */
  readonly jsonArrayFrom: (query: SelectQueryBuilder<any, any, any>) => RawBuilder<unknown>;
  /**
   * Keep a fixed, hot statement parsed and planned (PostgreSQL: a named prepared statement per connection;
   * SQLite: nothing to do, the store caches every statement). It must name its columns (no `*`).
   */
  readonly keepPrepared: (sql: string) => void;
  /** True when `error` is the driver's report of a refused UNIQUE or PRIMARY KEY constraint. */
  isUniqueViolation(error: unknown): boolean;
}

/**
 * Both drivers get JSON as text: pg would turn a JS array parameter into a PostgreSQL array literal,
 * which a jsonb column refuses.
 */
export function encodeJsonText(value: unknown): string {
  return JSON.stringify(value ?? null);
}

/** The `code` property drivers put on their errors, without importing driver types. */
export function errorCode(error: unknown): unknown {
  return typeof error === "object" && error !== null && "code" in error ? (error as { code: unknown }).code : undefined;
}
