// Schemas of /v1/apis.
import { Type, type Static } from "@sinclair/typebox";
import { DateTime, Name } from "./common.js";

export const ApiDefaults = Type.Object(
  {
    environment: Type.Optional(Type.Union([Type.Literal("live"), Type.Literal("test")])),
    expiresInSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 * 365 * 24 * 3600, description: "Time to live of new keys" })),
  },
  { additionalProperties: false },
);

const YEAR = 365 * 24 * 3600;

export const ApiPolicy = Type.Object(
  {
    maxLifetimeSeconds: Type.Optional(
      Type.Integer({
        minimum: 60,
        maximum: 10 * YEAR,
        description: "Longest a key may live: an expiresAt beyond now + this (or none at all) is refused on create, update and rotate; new keys without expiresAt get the default TTL or this",
      }),
    ),
    rotationPeriodSeconds: Type.Optional(
      Type.Integer({ minimum: 60, maximum: 10 * YEAR, description: "A key is due for rotation this long after its creation or last rotation (rotationDueAt)" }),
    ),
    expiringSoonSeconds: Type.Optional(
      Type.Integer({ minimum: 60, maximum: YEAR, description: "Lead time: keys whose expiry or rotation is due within it are announced once by key.expiring" }),
    ),
    onLeak: Type.Optional(Type.Union([Type.Literal("revoke"), Type.Literal("disable")], { description: "What a leak report does to a live key (default revoke)" })),
  },
  {
    additionalProperties: false,
    description:
      "Lifecycle policy of the API's keys; on update it replaces the whole policy ({} removes every constraint). It applies to expiries set from then on: existing keys keep their expiresAt (rotationDueAt follows the current rotation period).",
  },
);

export const Api = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    prefix: Type.String(),
    defaults: ApiDefaults,
    policy: ApiPolicy,
    importedKeys: Type.Boolean({ description: "Keys were imported into this API: its keys outside Keyward's format verify too" }),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: "Api" },
);

export const CreateApiBody = Type.Object(
  {
    name: Name,
    prefix: Type.String({ pattern: "^[a-z][a-z0-9]{1,15}$", description: "Key prefix: keys read `<prefix>_live_…`" }),
    defaults: Type.Optional(ApiDefaults),
    policy: Type.Optional(ApiPolicy),
  },
  { additionalProperties: false },
);
export type CreateApiBody = Static<typeof CreateApiBody>;

export const UpdateApiBody = Type.Object(
  { name: Type.Optional(Name), defaults: Type.Optional(ApiDefaults), policy: Type.Optional(ApiPolicy) },
  { additionalProperties: false, minProperties: 1 },
);
