// Schemas of GET /v1/auth, the endpoint nginx's auth_request (and similar proxies) call per request.
import { Type } from "@sinclair/typebox";
import { QUERY_LIMITS } from "../../core/index.js";

export const AuthQuery = Type.Object(
  {
    apiId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: "The key must belong to this API" })),
    permissions: Type.Optional(
      Type.String({ description: `Permission query the key must satisfy (at most ${QUERY_LIMITS.maxLength} characters), e.g. \`docs:read\`` }),
    ),
    rateLimitStatus: Type.Optional(
      Type.Union([Type.Literal("429"), Type.Literal("403")], {
        description:
          "403 answers a rate-limited call with 403 and `X-Keyward-Status: 429`: nginx's auth_request passes only 401 and 403 on (other statuses become 500), and its config maps the 403 back to 429",
      }),
    ),
  },
  { additionalProperties: false },
);

export const AuthAllowed = Type.Object({
  valid: Type.Literal(true),
  code: Type.Literal("VALID"),
  keyId: Type.String(),
  identityId: Type.Union([Type.String(), Type.Null()]),
  externalId: Type.Union([Type.String(), Type.Null()]),
});
