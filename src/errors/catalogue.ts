// The one catalogue of error codes. Codes are public API: never renamed, never reused.
// docs/errors.md lists the same codes; src/errors/catalogue.test.ts keeps the two equal.
export interface ErrorSpec {
  status: number;
  title: string;
}

export const ERROR_CATALOGUE = {
  UNAUTHORIZED: { status: 401, title: "A valid root key is required" },
  LEAK_SIGNATURE_INVALID: { status: 401, title: "The leak report is not signed by a known GitHub secret scanning key" },
  FORBIDDEN: { status: 403, title: "The root key lacks the permission this call needs" },
  PERMISSION_ESCALATION: { status: 403, title: "A root key cannot grant permissions it does not hold" },
  VALIDATION_FAILED: { status: 400, title: "The request does not match the schema" },
  INVALID_JSON: { status: 400, title: "The request body is not valid JSON" },
  INVALID_PERMISSION_QUERY: { status: 400, title: "The permission query cannot be parsed" },
  INVALID_PERMISSION: { status: 400, title: "A permission name is not of the form resource:action" },
  INVALID_RESTRICTION: { status: 400, title: "An IP range or referrer rule is not valid" },
  INVALID_EXPIRY: { status: 400, title: "expiresAt must lie in the future" },
  KEY_LIFETIME_EXCEEDS_POLICY: { status: 400, title: "The expiry is beyond the API's maximum key lifetime" },
  INVALID_API_POLICY: { status: 400, title: "The API's defaults contradict its lifecycle policy" },
  INVALID_CURSOR: { status: 400, title: "The pagination cursor is not valid" },
  WEBHOOK_URL_INVALID: { status: 400, title: "The webhook URL is not a usable https URL" },
  WEBHOOK_URL_FORBIDDEN: { status: 400, title: "The webhook URL points to an internal address" },
  IMPORT_INVALID_ROWS: { status: 400, title: "Rows of the key import are not valid; nothing was imported" },
  IMPORT_DUPLICATE_ROW: { status: 400, title: "A row of the key import repeats the key of an earlier row" },
  API_PREFIX_RESERVED: { status: 400, title: "The key prefix is reserved" },
  CREDITS_NOT_SET: { status: 400, title: "The key or identity has no credits to add to or subtract from" },
  DUPLICATE_RATELIMIT: { status: 400, title: "Two rate limits have the same name" },
  KEY_REVOKED: { status: 409, title: "The key is revoked" },
  UNKNOWN_ROLE: { status: 400, title: "A role named in the request does not exist" },
  UNKNOWN_IDENTITY: { status: 400, title: "The identity named in the request does not exist" },
  PAYLOAD_TOO_LARGE: { status: 413, title: "The request body is too large" },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: "The request body must be application/json" },
  ROUTE_NOT_FOUND: { status: 404, title: "No such route" },
  API_NOT_FOUND: { status: 404, title: "No such API" },
  KEY_NOT_FOUND: { status: 404, title: "No such key" },
  IDENTITY_NOT_FOUND: { status: 404, title: "No such identity" },
  ROLE_NOT_FOUND: { status: 404, title: "No such role" },
  WEBHOOK_NOT_FOUND: { status: 404, title: "No such webhook endpoint" },
  WEBHOOK_DELIVERY_NOT_FOUND: { status: 404, title: "No such delivery of this webhook endpoint" },
  OVERRIDE_NOT_FOUND: { status: 404, title: "No such rate limit override" },
  ROOT_KEY_NOT_FOUND: { status: 404, title: "No such root key" },
  IDENTITY_EXTERNAL_ID_TAKEN: { status: 409, title: "An identity with this externalId exists already" },
  ROLE_NAME_TAKEN: { status: 409, title: "A role with this name exists already" },
  WEBHOOK_DELIVERY_NOT_FAILED: { status: 409, title: "Only a failed delivery can be sent again" },
  WEBHOOK_DISABLED: { status: 409, title: "The webhook endpoint is disabled" },
  KEY_HASH_CONFLICT: { status: 409, title: "The key exists already outside this API" },
  NOT_READY: { status: 503, title: "Keyward is not ready to serve" },
  LEAK_REPORTING_NOT_CONFIGURED: { status: 503, title: "GitHub secret scanning reports are not set up on this install" },
  VERIFICATION_UNAVAILABLE: { status: 503, title: "The API key could not be verified right now" },
  UPSTREAM_UNAVAILABLE: { status: 502, title: "The API behind the gateway could not be reached" },
  UPSTREAM_TIMEOUT: { status: 504, title: "The API behind the gateway did not answer in time" },
  INTERNAL_ERROR: { status: 500, title: "Internal error" },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** RFC 9457 `type`: a stable URN per code (it names the code; docs/errors.md explains it). */
export function problemType(code: ErrorCode): string {
  return `urn:keyward:problem:${code.toLowerCase().replaceAll("_", "-")}`;
}
