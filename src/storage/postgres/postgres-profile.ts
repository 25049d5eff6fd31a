// How Keyward's records are stored in PostgreSQL: timestamptz, boolean, jsonb, ids in "C" collation.
import { sql } from "kysely";
import { jsonArrayFrom } from "kysely/helpers/postgres";
import type { DialectProfile } from "../kysely/dialect-profile.js";
import { encodeJsonText, errorCode } from "../kysely/dialect-profile.js";
import { keepPrepared } from "./prepared-statements.js";

/** SQLSTATE unique_violation. */
const UNIQUE_VIOLATION = "23505";

export const postgresProfile: DialectProfile = {
  capabilities: { notifications: true, sharedAcrossProcesses: true },
  columnTypes: {
    // A linguistic collation (en_US…) would order `a` before `B` and break id-ordered pagination.
    id: sql`text collate "C"`,
    // Microsecond precision, so a JavaScript Date's milliseconds round-trip exactly.
    time: "timestamptz",
    bool: "boolean",
    json: "jsonb",
    count: "bigint",
  },
  time: {
    encode: (date) => date,
    // pg parses timestamptz into Date already; anything else is a value we wrote ourselves.
    decode: (stored) => (stored instanceof Date ? stored : new Date(stored)),
  },
  bool: {
    encode: (value) => value,
    decode: (stored) => stored === true,
  },
  json: {
    encode: encodeJsonText,
    // jsonb comes back parsed; a plain string here is a JSON string value, not text to parse.
    decode: (stored) => stored,
  },
  jsonArrayFrom,
  keepPrepared,
  isUniqueViolation: (error) => errorCode(error) === UNIQUE_VIOLATION,
};
