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

export const Api = Type.Object(
  { id: Type.String(), name: Type.String(), prefix: Type.String(), defaults: ApiDefaults, createdAt: DateTime, updatedAt: DateTime },
  { $id: "Api" },
);

export const CreateApiBody = Type.Object(
  {
    name: Name,
    prefix: Type.String({ pattern: "^[a-z][a-z0-9]{1,15}$", description: "Key prefix: keys read `<prefix>_live_…`" }),
    defaults: Type.Optional(ApiDefaults),
  },
  { additionalProperties: false },
);
export type CreateApiBody = Static<typeof CreateApiBody>;

export const UpdateApiBody = Type.Object(
  { name: Type.Optional(Name), defaults: Type.Optional(ApiDefaults) },
  { additionalProperties: false, minProperties: 1 },
);
