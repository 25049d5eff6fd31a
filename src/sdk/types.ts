// Named request and answer types of the management API, taken from the generated OpenAPI types.
import type { paths } from "./generated/api.js";

type JsonBody<T> = T extends { content: { "application/json": infer Body } } ? Body : never;
type RequestBody<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { requestBody?: infer B } ? JsonBody<NonNullable<B>> : never;
type Answer<P extends keyof paths, M extends keyof paths[P], S extends number> = paths[P][M] extends { responses: infer R }
  ? S extends keyof R
    ? JsonBody<R[S]>
    : never
  : never;

export type { paths } from "./generated/api.js";

export type VerifyKeyRequest = RequestBody<"/v1/keys/verify", "post">;
export type VerifyKeyResult = Answer<"/v1/keys/verify", "post", 200>;
export type VerificationCode = VerifyKeyResult["code"];
export type RequestedLimit = NonNullable<VerifyKeyRequest["ratelimits"]>[number];
export type LimitState = VerifyKeyResult["ratelimits"][number];
export type CreateKeyRequest = RequestBody<"/v1/keys", "post">;
export type CreatedKey = Answer<"/v1/keys", "post", 201>;
export type Key = Answer<"/v1/keys/{keyId}", "get", 200>;
/** An RFC 9457 problem as Keyward answers it: `code` is stable (docs/errors.md). */
export type Problem = Answer<"/v1/keys/{keyId}", "get", 404>;
