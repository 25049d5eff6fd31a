// What the gateway asks of Keyward for one request, and what it needs back, whichever mode answers:
// embedded (this process verifies against the store) or remote (a Keyward server verifies).
import type { RateLimitHeaderInput, VerificationCode } from "../core/index.js";
import type { GatewayRoute } from "./route-matcher.js";

export interface CheckRequest {
  route: GatewayRoute;
  /** The client's address, for the key's IP allowlist. */
  ip: string;
  /** The client's Origin or Referer, for the key's referrer rules. */
  origin?: string;
}

export interface KeyVerdict {
  code: VerificationCode;
  keyId: string | null;
  identityId: string | null;
  externalId: string | null;
  /** Every rate limit applied, as the RateLimit headers need them. */
  ratelimits: RateLimitHeaderInput[];
}

export interface KeyChecker {
  /** Throws KeywardUnavailableError when no answer could be had (remote mode): the gateway fails closed. */
  check(key: string, request: CheckRequest): Promise<KeyVerdict>;
  close(): Promise<void>;
}

/** Remote mode: Keyward did not answer, or answered something other than a verification. */
export class KeywardUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KeywardUnavailableError";
  }
}
