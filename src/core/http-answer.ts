// What an API's own client sees for a verification (DESIGN §4 "HTTP mapping"), shared by the SDK
// middleware, the gateway and nginx auth_request: status, headers (RFC 6750 WWW-Authenticate, IETF
// RateLimit fields, Retry-After) and an RFC 9457 problem body. Pure.
import { rateLimitHeaders, type RateLimitHeaderInput } from "./limits/index.js";
import type { VerificationCode } from "./verify-decision.js";

/** MISSING: no key was presented at all. */
export type AnswerCode = VerificationCode | "MISSING";

export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  /** null for a 200: the request goes on to the API. */
  problem: { type: string; title: string; status: number; code: AnswerCode; detail: string } | null;
}

const TITLES: Record<AnswerCode, [status: number, title: string, detail: string]> = {
  VALID: [200, "OK", ""],
  MISSING: [401, "API key required", "Send an API key: Authorization: Bearer <key>."],
  MALFORMED: [401, "Invalid API key", "The API key is not well formed."],
  NOT_FOUND: [401, "Invalid API key", "The API key is not valid."],
  REVOKED: [401, "Invalid API key", "The API key has been revoked."],
  DISABLED: [401, "Invalid API key", "The API key is disabled."],
  EXPIRED: [401, "Invalid API key", "The API key has expired."],
  IP_NOT_ALLOWED: [403, "Forbidden", "The API key may not be used from this address."],
  REFERRER_NOT_ALLOWED: [403, "Forbidden", "The API key may not be used from this origin."],
  INSUFFICIENT_PERMISSIONS: [403, "Forbidden", "The API key lacks the permission this call needs."],
  RATE_LIMITED: [429, "Too many requests", "A rate limit of the API key is exhausted."],
  USAGE_EXCEEDED: [429, "Usage exceeded", "The API key has no credits left."],
};

function quoted(text: string): string {
  return `"${text.replace(/[\\"]/g, "\\$&").replace(/[^\x20-\x7e]/g, "?")}"`;
}

export function httpAnswer(code: AnswerCode, options: { realm?: string; ratelimits?: readonly RateLimitHeaderInput[] } = {}): HttpAnswer {
  const [status, title, detail] = TITLES[code];
  const headers: Record<string, string> = rateLimitHeaders(options.ratelimits ?? []);
  // A valid call (the hot path of the gateway) needs no challenge: the realm is built only for refusals.
  if (status === 200) return { status, headers, problem: null };
  const realm = `Bearer realm=${quoted(options.realm ?? "api")}`;
  if (code === "MISSING") headers["WWW-Authenticate"] = realm;
  else if (status === 401) headers["WWW-Authenticate"] = `${realm}, error="invalid_token"`;
  else if (code === "INSUFFICIENT_PERMISSIONS") headers["WWW-Authenticate"] = `${realm}, error="insufficient_scope"`;
  const type = `urn:keyward:problem:${code.toLowerCase().replaceAll("_", "-")}`;
  return { status, headers, problem: { type, title, status, code, detail } };
}
