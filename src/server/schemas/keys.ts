// Schemas of /v1/keys and /v1/keys/verify.
import { Type } from "@sinclair/typebox";
import { MAX_KEY_LENGTH, QUERY_LIMITS, VERIFICATION_CODES } from "../../core/index.js";
import { DateTime, ExternalId, Meta, Name, NullableDateTime, PermissionList } from "./common.js";
import { CreditsInput, CreditsPatch, CreditsView, LimitState, RateLimitConfig, RateLimitList, RequestedLimits } from "./limits.js";

export const Environment = Type.Union([Type.Literal("live"), Type.Literal("test")]);

export const Restrictions = Type.Object(
  {
    ipAllowlist: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 256, description: "IP addresses or CIDR ranges" })),
    referrers: Type.Optional(Type.Array(Type.String({ maxLength: 255 }), { maxItems: 256, description: "Origins, hosts or *.host wildcards" })),
  },
  { additionalProperties: false },
);

const RoleRef = Type.Object({ id: Type.String(), name: Type.String() });
const RoleRefs = Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 100, description: "Role ids or names" });

export const Key = Type.Object(
  {
    id: Type.String(),
    apiId: Type.String(),
    start: Type.String({ description: "The first characters of the key, for display" }),
    name: Type.Union([Type.String(), Type.Null()]),
    environment: Environment,
    identityId: Type.Union([Type.String(), Type.Null()]),
    permissions: Type.Array(Type.String()),
    roles: Type.Array(RoleRef),
    enabled: Type.Boolean(),
    expiresAt: NullableDateTime,
    rotatedAt: Type.Union([DateTime, Type.Null()], { description: "When the current secret was issued by a rotation; null: never rotated" }),
    rotationDueAt: Type.Union([DateTime, Type.Null()], {
      description: "When the key is due for rotation: (rotatedAt, else createdAt) + the API's policy.rotationPeriodSeconds; null: the API has no rotation period",
    }),
    restrictions: Restrictions,
    meta: Meta,
    createdAt: DateTime,
    updatedAt: DateTime,
    lastUsedAt: NullableDateTime,
    verificationCount: Type.Integer(),
    revokedAt: NullableDateTime,
    revokedReason: Type.Union([Type.String(), Type.Null()]),
    ratelimits: Type.Array(Type.Required(RateLimitConfig)),
    credits: CreditsView,
  },
  { $id: "Key" },
);

export const CreatedKey = Type.Object(
  { key: Type.String({ description: "The key itself. Shown this once; Keyward keeps only its hash." }), ...Key.properties },
  { $id: "CreatedKey" },
);

const keyFields = {
  name: Type.Optional(Name),
  identityId: Type.Optional(Type.String({ maxLength: 64 })),
  externalId: Type.Optional(Type.String({ ...ExternalId, description: "Owner's id in your system; the identity is created on first use" })),
  permissions: Type.Optional(PermissionList),
  roles: Type.Optional(RoleRefs),
  enabled: Type.Optional(Type.Boolean()),
  restrictions: Type.Optional(Restrictions),
  meta: Type.Optional(Meta),
  ratelimits: Type.Optional(RateLimitList),
};

export const CreateKeyBody = Type.Object(
  {
    apiId: Type.String({ minLength: 1, maxLength: 64 }),
    environment: Type.Optional(Environment),
    expiresAt: Type.Optional(NullableDateTime),
    ...keyFields,
    credits: Type.Optional(Type.Union([CreditsInput, Type.Null()], { description: "Usage credits; absent or null: unlimited" })),
  },
  { additionalProperties: false },
);

export const UpdateKeyBody = Type.Object(
  {
    ...keyFields,
    name: Type.Optional(Type.Union([Name, Type.Null()])),
    identityId: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
    expiresAt: Type.Optional(NullableDateTime),
    credits: Type.Optional(CreditsPatch),
  },
  { additionalProperties: false, minProperties: 1 },
);

/** The body is optional: `POST …/revoke` with none revokes without a reason. */
export const RevokeBody = Type.Union([
  Type.Object({ reason: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false }),
  Type.Null(),
]);

export const ListKeysQuery = Type.Object(
  {
    apiId: Type.Optional(Type.String({ maxLength: 64 })),
    identityId: Type.Optional(Type.String({ maxLength: 64 })),
    expiringWithin: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 10 * 365 * 86_400,
        description:
          "Seconds: only keys, not revoked, whose expiresAt falls within (now, now + this] (keys already expired are not listed) or that are due for rotation by then (overdue ones included while they have not expired)",
      }),
    ),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
  },
  { additionalProperties: false },
);

export const VerifyKeyBody = Type.Object(
  {
    key: Type.String({ maxLength: MAX_KEY_LENGTH * 4, description: "The key to verify" }),
    apiId: Type.Optional(Type.String({ maxLength: 64, description: "The key must belong to this API" })),
    // No schema maxLength: the query parser bounds length, depth and terms itself, so every
    // bad query, the overlong one included, answers the one code INVALID_PERMISSION_QUERY.
    permissions: Type.Optional(
      Type.String({ description: `Permission query of at most ${QUERY_LIMITS.maxLength} characters, e.g. \`docs:read AND (docs:write OR admin:*)\`` }),
    ),
    ip: Type.Optional(Type.String({ maxLength: 64, description: "The caller's IP address, checked against the key's allowlist" })),
    origin: Type.Optional(Type.String({ maxLength: 2048, description: "The caller's Origin or Referer" })),
    ratelimits: Type.Optional(RequestedLimits),
    cost: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000, description: "Credits this call costs (default 1), taken only when every check passed" })),
  },
  { additionalProperties: false },
);

export const VerifyKeyResult = Type.Object(
  {
    valid: Type.Boolean(),
    code: Type.Union(VERIFICATION_CODES.map((code) => Type.Literal(code))),
    keyId: Type.Union([Type.String(), Type.Null()]),
    apiId: Type.Union([Type.String(), Type.Null()]),
    name: Type.Union([Type.String(), Type.Null()]),
    environment: Type.Union([Environment, Type.Null()]),
    identity: Type.Union([Type.Object({ id: Type.String(), externalId: Type.String(), meta: Meta }), Type.Null()]),
    meta: Type.Union([Meta, Type.Null()]),
    permissions: Type.Array(Type.String()),
    roles: Type.Array(Type.String()),
    expiresAt: NullableDateTime,
    ratelimits: Type.Array(LimitState),
    credits: Type.Union([Type.Object({ remaining: Type.Integer() }), Type.Null()]),
  },
  { $id: "VerifyKeyResult" },
);

export const RotateKeyBody = Type.Object(
  {
    gracePeriodSeconds: Type.Integer({
      minimum: 0,
      maximum: 30 * 86_400,
      description: "How long the previous secret keeps working (0: refused at once)",
    }),
    expiresAt: Type.Optional(
      Type.Union([DateTime, Type.Null()], { description: "A new expiry for the key (null: none), checked against the API's maximum lifetime; absent: unchanged" }),
    ),
  },
  { additionalProperties: false },
);

export const RotatedKey = Type.Object(
  {
    key: Type.String({ description: "The new secret. Shown this once." }),
    previousValidUntil: Type.String({ format: "date-time", description: "Until when the previous secret is honoured" }),
    ...Key.properties,
  },
  { $id: "RotatedKey" },
);
