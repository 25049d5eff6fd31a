// Schemas of POST /v1/keys/import. The row schema is also what `keyward keys import` checks a file
// against before sending anything (src/services/import-rows.ts compiles it for both).
import { Type, type Static } from "@sinclair/typebox";
import { IMPORTED_KEY_MAX_LENGTH, IMPORTED_KEY_MIN_LENGTH } from "../../core/index.js";
import { ExternalId, Meta, Name, NullableDateTime, PermissionList } from "./common.js";
import { Environment } from "./keys.js";
import { RateLimitList } from "./limits.js";

/** Most rows one request may carry: the CLI sends bigger files in batches of at most this. */
export const MAX_IMPORT_ROWS = 1000;

export const ImportRow = Type.Object(
  {
    key: Type.Optional(
      Type.String({
        minLength: IMPORTED_KEY_MIN_LENGTH,
        maxLength: IMPORTED_KEY_MAX_LENGTH,
        pattern: "^[!-~]+$",
        description: "The key in plaintext (printable ASCII, no spaces): hashed on arrival, never stored. Give this or `hash`.",
      }),
    ),
    hash: Type.Optional(Type.String({ pattern: "^[0-9a-fA-F]{64}$", description: "SHA-256 of the key, hex. Give this or `key`." })),
    name: Type.Optional(Name),
    externalId: Type.Optional(Type.String({ ...ExternalId, description: "Owner's id in your system; the identity is created on first use" })),
    environment: Type.Optional(Environment),
    permissions: Type.Optional(PermissionList),
    roles: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 100, description: "Role ids or names" })),
    expiresAt: Type.Optional(NullableDateTime),
    meta: Type.Optional(Meta),
    enabled: Type.Optional(Type.Boolean()),
    ratelimits: Type.Optional(RateLimitList),
  },
  { additionalProperties: false, $id: "ImportRow" },
);
export type ImportRow = Static<typeof ImportRow>;

// Rows are checked one by one by the service (every bad row is reported, with its index), so the
// request schema only bounds their number and shape.
export const ImportKeysBody = Type.Object(
  {
    apiId: Type.String({ minLength: 1, maxLength: 64 }),
    rows: Type.Array(Type.Object({}, { additionalProperties: true, description: "An ImportRow" }), { minItems: 1, maxItems: MAX_IMPORT_ROWS }),
    skipInvalid: Type.Optional(Type.Boolean({ description: "Import the good rows and report the bad ones (default: a bad row refuses the whole request)" })),
    dryRun: Type.Optional(Type.Boolean({ description: "Check every row (store included: conflicts, roles) and answer as an import would, writing nothing" })),
  },
  { additionalProperties: false },
);

export const ImportProblem = Type.Object({ path: Type.String(), message: Type.String(), code: Type.String() });

export const ImportResult = Type.Object(
  {
    imported: Type.Integer({ description: "Rows written as new keys" }),
    existing: Type.Integer({ description: "Rows whose key this API already has (a re-run): skipped" }),
    invalid: Type.Array(Type.Object({ row: Type.Integer(), problems: Type.Array(ImportProblem) }), { description: "Rows not imported (only with skipInvalid)" }),
    keys: Type.Array(Type.Object({ row: Type.Integer(), keyId: Type.String() }), { description: "The key of each imported or existing row" }),
  },
  { $id: "ImportResult" },
);
