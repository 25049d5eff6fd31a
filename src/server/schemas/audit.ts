// Schemas of /v1/audit: entries, the verification answer and signed checkpoints.
import { Type } from "@sinclair/typebox";
import { AUDIT_ACTIONS } from "../../core/index.js";
import { DateTime, PageQuery } from "./common.js";

const Hash = Type.String({ pattern: "^[0-9a-f]{64}$", description: "SHA-256, hex" });
const NullableString = Type.Union([Type.String(), Type.Null()]);

export const AuditQuery = Type.Object(
  {
    target: Type.Optional(Type.String({ minLength: 1, maxLength: 400, description: "Only entries about this object (its id; rate limit overrides: namespace/identifier)" })),
    actor: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: "Only entries by this root key id, or `system`" })),
    action: Type.Optional(Type.Union(Object.keys(AUDIT_ACTIONS).map((action) => Type.Literal(action)), { description: "Only entries of this action (docs/audit.md)" })),
    since: Type.Optional(Type.String({ format: "date-time", description: "Only entries at or after this time" })),
    order: Type.Optional(Type.Union([Type.Literal("desc"), Type.Literal("asc")], { default: "desc", description: "desc: newest first (by seq); asc: oldest first" })),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const AuditEntry = Type.Object({
  id: Type.String(),
  seq: Type.Integer({ description: "1, 2, 3… per workspace: the entry's place in the hash chain" }),
  time: DateTime,
  workspaceId: Type.String(),
  actor: Type.Object({ type: Type.Union([Type.Literal("root_key"), Type.Literal("system")]), id: Type.Optional(Type.String()) }),
  action: Type.String(),
  target: Type.Object({ type: Type.String(), id: Type.String() }),
  before: Type.Unknown({ description: "The object's public view before the change (null for a creation)" }),
  after: Type.Unknown({ description: "The object's public view after the change (null for a deletion)" }),
  requestId: NullableString,
  sourceIp: NullableString,
  userAgent: NullableString,
  prevHash: Hash,
  hash: Hash,
});

const Problem = Type.Object({
  kind: Type.Union(["edited", "deleted", "inserted", "reordered", "truncated", "checkpoint_invalid"].map((kind) => Type.Literal(kind))),
  entryId: NullableString,
  seq: Type.Union([Type.Integer(), Type.Null()]),
  detail: Type.String(),
});

export const AuditVerification = Type.Object({
  valid: Type.Boolean(),
  entries: Type.Integer({ description: "Entries read" }),
  problems: Type.Optional(Type.Array(Problem)),
  head: Type.Union([Type.Object({ seq: Type.Integer(), hash: Hash }), Type.Null()]),
  checkpoints: Type.Object({
    enabled: Type.Boolean(),
    keyId: NullableString,
    checked: Type.Integer({ description: "Checkpoints whose signature held and that were checked against the chain" }),
    latest: Type.Union([Type.Object({ seq: Type.Integer(), at: DateTime }), Type.Null()]),
    note: Type.Optional(Type.String()),
  }),
});

export const AuditCheckpoint = Type.Object({
  workspaceId: Type.String(),
  seq: Type.Integer(),
  hash: Hash,
  at: DateTime,
  keyId: Type.String(),
  signature: Type.String({ description: "Ed25519, base64url" }),
});

export const AuditCheckpointPage = Type.Object({
  enabled: Type.Boolean({ description: "False without KEYWARD_AUDIT_SIGNING_KEY: no checkpoints are written" }),
  keyId: NullableString,
  items: Type.Array(AuditCheckpoint),
  nextCursor: NullableString,
});

export const CheckpointQuery = Type.Object(PageQuery, { additionalProperties: false });
