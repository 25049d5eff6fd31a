// The framework-neutral core of the middleware: read the key, verify it through Keyward, and decide
// what the API's client sees — always through the core's httpAnswer, so the SDK, the gateway and
// nginx auth_request answer alike. The Express, Fastify and Hono adapters only translate.
import { httpAnswer, type AnswerCode } from "../core/http-answer.js";
import { headerInputFromAnswer, type RateLimitHeaderInput } from "../core/limits/rate-limit-headers.js";
import { AnswerCache, hashKey } from "./answer-cache.js";
import { createKeywardClient, type KeywardClient } from "./client.js";
import { KeywardApiError, KeywardConnectionError } from "./errors.js";
import { createKeyReader, type IncomingRequest, type KeySourceOptions } from "./key-source.js";
import type { Fetch } from "./transport.js";
import type { LimitState, RequestedLimit, VerifyKeyRequest, VerifyKeyResult } from "./types.js";

/** pino-style (`fields, message`): a pino or Fastify logger fits, and so does `console`. */
export interface KeywardLogger {
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface KeywardOptions extends KeySourceOptions {
  /** The Keyward server, e.g. `http://127.0.0.1:8080`. */
  baseUrl: string;
  /** A root key holding `keys:verify` (and nothing else: it lives in your app's config). */
  rootKey: string;
  /** Keys must belong to this API. */
  apiId?: string;
  /** A permission query the key must satisfy, e.g. `docs:read AND (docs:write OR admin:*)`. */
  permissions?: string;
  /** Named limits to apply besides the key's auto-applied ones. */
  ratelimits?: RequestedLimit[];
  /** Credits each request costs (Keyward's default: 1). */
  cost?: number;
  /**
   * How long a positive answer is reused without asking Keyward, in ms. Default 5000; 0 disables.
   * Answers that applied rate limits or credits are never reused (see README).
   */
  cacheTtlMs?: number;
  /** Default 10 000. */
  cacheMaxEntries?: number;
  /** Let requests through unverified (with `keyward` null) when Keyward cannot be reached. Default false. */
  failOpen?: boolean;
  /** The realm in `WWW-Authenticate`. Default `api`. */
  realm?: string;
  /** Default: console. False: silent. */
  logger?: KeywardLogger | false;
  /** Per attempt of the verify call. Default 2000 ms. */
  timeoutMs?: number;
  /** Extra attempts of the verify call on network errors, timeouts and 5xx. Default 1. */
  retries?: number;
  fetch?: Fetch;
}

/** What the handler of a verified request sees. */
export interface KeywardContext {
  keyId: string;
  apiId: string;
  name: string | null;
  environment: "live" | "test";
  identity: { id: string; externalId: string; meta: Record<string, unknown> } | null;
  meta: Record<string, unknown>;
  permissions: string[];
  roles: string[];
  expiresAt: string | null;
  ratelimits: LimitState[];
  credits: { remaining: number } | null;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
}

export type GuardDecision =
  /** `context` is null only when `failOpen` let the request through unverified. */
  | { pass: true; context: KeywardContext | null; headers: Record<string, string> }
  | { pass: false; status: number; headers: Record<string, string>; problem: ProblemBody };

export interface KeywardGuard {
  check(request: IncomingRequest): Promise<GuardDecision>;
}

/** The verify body's bound on `key` (src/sdk/openapi.json): a longer one is refused here, not sent. */
export const MAX_KEY_CHARS = 368;
const MAX_ORIGIN_CHARS = 2048;
const MAX_IP_CHARS = 64;

const UNAVAILABLE: ProblemBody = {
  type: "urn:keyward:problem:verification-unavailable",
  title: "Service unavailable",
  status: 503,
  code: "VERIFICATION_UNAVAILABLE",
  detail: "The API key could not be verified right now. Try again later.",
};
const MISCONFIGURED: ProblemBody = {
  type: "urn:keyward:problem:internal-error",
  title: "Internal error",
  status: 500,
  code: "INTERNAL_ERROR",
  detail: "The API key could not be verified.",
};

const consoleLogger: KeywardLogger = {
  warn: (fields, message) => console.warn(`keyward: ${message}`, fields),
  error: (fields, message) => console.error(`keyward: ${message}`, fields),
};
const silentLogger: KeywardLogger = { warn() {}, error() {} };

/** The Origin, or the origin of the Referer: the path of the page is none of Keyward's business. */
function callerOrigin(request: IncomingRequest): string | undefined {
  const origin = request.header("origin");
  if (origin && origin !== "null") return origin.slice(0, MAX_ORIGIN_CHARS);
  const referer = request.header("referer");
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return referer.slice(0, MAX_ORIGIN_CHARS);
  }
}


function toContext(answer: VerifyKeyResult): KeywardContext | null {
  if (answer.keyId === null || answer.apiId === null || answer.environment === null) return null;
  return {
    keyId: answer.keyId,
    apiId: answer.apiId,
    name: answer.name,
    environment: answer.environment,
    identity: answer.identity,
    meta: answer.meta ?? {},
    permissions: answer.permissions,
    roles: answer.roles,
    expiresAt: answer.expiresAt,
    ratelimits: answer.ratelimits,
    credits: answer.credits,
  };
}

export function createKeywardGuard(options: KeywardOptions, defaults: { logger?: KeywardLogger } = {}): KeywardGuard {
  const client: KeywardClient = createKeywardClient({
    baseUrl: options.baseUrl,
    rootKey: options.rootKey,
    timeoutMs: options.timeoutMs ?? 2_000,
    retries: options.retries ?? 1,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const readKey = createKeyReader(options);
  const logger = options.logger === false ? silentLogger : (options.logger ?? defaults.logger ?? consoleLogger);
  const cache = new AnswerCache<KeywardContext>({ ttlMs: options.cacheTtlMs ?? 5_000, maxEntries: options.cacheMaxEntries ?? 10_000 });
  const realm = options.realm ?? "api";
  const fixed: Omit<VerifyKeyRequest, "key"> = {
    ...(options.apiId !== undefined ? { apiId: options.apiId } : {}),
    ...(options.permissions !== undefined ? { permissions: options.permissions } : {}),
    ...(options.ratelimits !== undefined ? { ratelimits: options.ratelimits } : {}),
    ...(options.cost !== undefined ? { cost: options.cost } : {}),
  };

  const refuse = (code: AnswerCode, limits: RateLimitHeaderInput[] = []): GuardDecision => {
    const answer = httpAnswer(code, { realm, ratelimits: limits });
    return { pass: false, status: answer.status, headers: answer.headers, problem: answer.problem! };
  };
  const unreachable = (fields: Record<string, unknown>): GuardDecision => {
    if (options.failOpen) {
      logger.warn({ ...fields, failOpen: true }, "Keyward unreachable: request let through unverified (failOpen)");
      return { pass: true, context: null, headers: {} };
    }
    logger.warn({ ...fields, failOpen: false }, "Keyward unreachable: request refused with 503");
    return { pass: false, status: 503, headers: {}, problem: UNAVAILABLE };
  };

  return {
    async check(request) {
      const key = readKey(request);
      if (key === null) return refuse("MISSING");
      if (key.length > MAX_KEY_CHARS) return refuse("MALFORMED");
      const ip = request.ip?.slice(0, MAX_IP_CHARS);
      const origin = callerOrigin(request);
      const keyHash = hashKey(key);
      const variant = `${ip ?? ""}\n${origin ?? ""}`;
      const cached = cache.get(keyHash, variant);
      if (cached) return { pass: true, context: cached, headers: {} };

      let answer: VerifyKeyResult;
      try {
        answer = await client.verifyKey({ key, ...fixed, ...(ip ? { ip } : {}), ...(origin ? { origin } : {}) });
      } catch (error) {
        if (error instanceof KeywardConnectionError) return unreachable({ error: error.message, timedOut: error.timedOut });
        if (error instanceof KeywardApiError && (error.status >= 500 || error.status === 429)) {
          return unreachable({ error: error.message, status: error.status, code: error.code });
        }
        if (error instanceof KeywardApiError) {
          // Our own call was refused (wrong root key, missing keys:verify, a bad permission query):
          // a configuration error that letting requests through would hide, so never failOpen.
          logger.error({ status: error.status, code: error.code, detail: error.detail, requestId: error.requestId }, "Keyward refused the verify call: check rootKey and options");
          return { pass: false, status: 500, headers: {}, problem: MISCONFIGURED };
        }
        logger.error({ error: error instanceof Error ? error.message : String(error) }, "verify call failed");
        return { pass: false, status: 500, headers: {}, problem: MISCONFIGURED };
      }

      const limits = headerInputFromAnswer(answer.ratelimits, Date.now());
      const context = answer.code === "VALID" ? toContext(answer) : null;
      if (!context) {
        cache.drop(keyHash);
        return refuse(answer.code === "VALID" ? "NOT_FOUND" : answer.code, limits);
      }
      // A reused answer skips Keyward, and with it the limiter and the credit ledger: an answer that
      // counted against a limit or spent credits must be asked again every time.
      if (answer.ratelimits.length === 0 && answer.credits === null) {
        cache.set(keyHash, variant, context, answer.expiresAt ? Date.parse(answer.expiresAt) : Infinity);
      }
      return { pass: true, context, headers: httpAnswer("VALID", { realm, ratelimits: limits }).headers };
    },
  };
}
