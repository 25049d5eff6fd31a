// Schemas of /v1/identities and /v1/roles.
import { Type } from "@sinclair/typebox";
import { DateTime, ExternalId, Meta, Name, PermissionList } from "./common.js";
import { CreditsInput, CreditsPatch, CreditsView, RateLimitConfig, RateLimitList } from "./limits.js";


export const Identity = Type.Object(
  {
    id: Type.String(),
    externalId: Type.String(),
    meta: Meta,
    ratelimits: Type.Array(Type.Required(RateLimitConfig)),
    credits: CreditsView,
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: "Identity" },
);
export const CreateIdentityBody = Type.Object(
  {
    externalId: ExternalId,
    meta: Type.Optional(Meta),
    ratelimits: Type.Optional(RateLimitList),
    credits: Type.Optional(Type.Union([CreditsInput, Type.Null()], { description: "Credits shared by all keys of the identity" })),
  },
  { additionalProperties: false },
);
export const UpdateIdentityBody = Type.Object(
  { externalId: Type.Optional(ExternalId), meta: Type.Optional(Meta), ratelimits: Type.Optional(RateLimitList), credits: Type.Optional(CreditsPatch) },
  { additionalProperties: false, minProperties: 1 },
);
export const IdentityRefParam = Type.Object(
  { identity: Type.String({ minLength: 1, maxLength: 255, description: "An id_… id or an externalId" }) },
  { additionalProperties: false },
);

export const Role = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: Type.Union([Type.String(), Type.Null()]),
    permissions: Type.Array(Type.String()),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: "Role" },
);
const Description = Type.String({ maxLength: 1000 });
export const CreateRoleBody = Type.Object(
  { name: Name, description: Type.Optional(Description), permissions: Type.Optional(PermissionList) },
  { additionalProperties: false },
);
export const UpdateRoleBody = Type.Object(
  { name: Type.Optional(Name), description: Type.Optional(Type.Union([Description, Type.Null()])), permissions: Type.Optional(PermissionList) },
  { additionalProperties: false, minProperties: 1 },
);
