// How Keyward's records are stored in SQLite: integer milliseconds, 0/1 booleans, JSON as text.
import { jsonArrayFrom } from "kysely/helpers/sqlite";
import type { DialectProfile } from "../kysely/dialect-profile.js";
import { encodeJsonText, errorCode } from "../kysely/dialect-profile.js";
import type { JsonValue } from "../kysely/schema.js";

const UNIQUE_CODES = new Set(["SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"]);

export const sqliteProfile: DialectProfile = {
  capabilities: { notifications: false, sharedAcrossProcesses: false },
  // SQLite compares text with BINARY collation by default, so plain text ids already sort bytewise.
  columnTypes: { id: "text", time: "integer", bool: "integer", json: "text", count: "integer" },
  time: {
    encode: (date) => date.getTime(),
    decode: (stored) => new Date(Number(stored)),
  },
  bool: {
    encode: (value) => (value ? 1 : 0),
    decode: (stored) => stored === 1 || stored === true,
  },
  json: {
    encode: encodeJsonText,
    decode: (stored: JsonValue) => (typeof stored === "string" ? JSON.parse(stored) : stored),
  },
  jsonArrayFrom,
  // The store already caches every prepared statement (sqlite-store.ts).
  keepPrepared: () => {},
  isUniqueViolation: (error) => UNIQUE_CODES.has(errorCode(error) as string),
};
