// GET /v1/auth: the check nginx's auth_request makes before each request to a protected API. It takes
// no root key because it tells the caller only about the key the caller itself presented: the key's
// own record names its workspace, `apiId` restricts it to one API. Guessing is what such an endpoint
// invites, so unknown and malformed keys are counted per client address and, past the limit, that
// address is refused before any lookup.
import { findKey, httpAnswer, identityHeaders, parseKeyHeaderRule, parsePermissionQuery, DEFAULT_KEY_HEADERS, type AnswerCode, type HttpAnswer, type PermissionQuery, type RateLimitHeaderInput } from "../../core/index.js";
import { KeywardError } from "../../errors/index.js";
import type { ServiceContext } from "../../services/index.js";
import { redactUrl } from "../redaction.js";
import { AuthAllowed, AuthQuery } from "../schemas/auth.js";
import { Problem } from "../schemas/common.js";
import type { App } from "../route-kit.js";

export interface AuthFailureLimit {
  limit: number;
  windowMs: number;
}

export interface AuthRouteOptions {
  ctx: ServiceContext;
  failures: AuthFailureLimit;
  /** Also read the key from this parameter of the original request's query (X-Original-URI). */
  keyQueryParam?: string;
}

const KEY_HEADERS = DEFAULT_KEY_HEADERS.map((text) => parseKeyHeaderRule(text)!);
const GUESSES: ReadonlySet<AnswerCode> = new Set(["MALFORMED", "NOT_FOUND"]);
const MAX_BLOCKED = 100_000;
const QUERY_CACHE_LIMIT = 1000;

/**
 * Per client address: failed attempts are counted by the limiter (shared by every node in a cluster);
 * an address over the limit is remembered here until it may try again, so a flood of guesses costs
 * one map lookup each, not a store read and a limiter call.
 */
function createFailureGate(ctx: ServiceContext, { limit, windowMs }: AuthFailureLimit) {
  const blockedUntil = new Map<string, number>();
  const state = (retryAfterMs: number): RateLimitHeaderInput => ({ name: "invalid-keys", limit, durationMs: windowMs, remaining: 0, resetMs: retryAfterMs, allowed: false, retryAfterMs });
  return {
    /** The refused limit when the address must wait, else null. */
    blocked(ip: string, now: number): RateLimitHeaderInput | null {
      const until = blockedUntil.get(ip);
      if (until === undefined) return null;
      if (until > now) return state(until - now);
      blockedUntil.delete(ip);
      return null;
    },
    async fail(ip: string, now: number): Promise<RateLimitHeaderInput | null> {
      const outcome = await ctx.limiter.check([{ bucket: `auth:ip:${ip}`, name: "invalid-keys", limit, durationMs: windowMs, cost: 1 }], now);
      if (outcome.allowed) return null;
      const retryAfterMs = outcome.results[0]?.retryAfterMs ?? windowMs;
      if (blockedUntil.size >= MAX_BLOCKED) {
        for (const [address, until] of blockedUntil) if (until <= now || blockedUntil.size >= MAX_BLOCKED) blockedUntil.delete(address);
      }
      blockedUntil.set(ip, now + retryAfterMs);
      return state(retryAfterMs);
    },
  };
}

export async function authRoutes(app: App, { ctx, failures, keyQueryParam }: AuthRouteOptions) {
  const gate = createFailureGate(ctx, failures);
  const queries = new Map<string, PermissionQuery>();
  const parseQuery = (text: string): PermissionQuery => {
    const cached = queries.get(text);
    if (cached) return cached;
    const parsed = parsePermissionQuery(text);
    if (!parsed.ok) throw new KeywardError("INVALID_PERMISSION_QUERY", parsed.message, [{ pointer: "/query/permissions", message: parsed.message }]);
    if (queries.size >= QUERY_CACHE_LIMIT) queries.clear();
    queries.set(text, parsed.query);
    return parsed.query;
  };

  app.get(
    "/v1/auth",
    {
      schema: {
        tags: ["verify"],
        summary: "Check the request's own API key (for nginx auth_request); no root key",
        description:
          "Reads the key from `Authorization: Bearer|ApiKey` or `X-API-Key` and answers 200 with `X-Keyward-Key-Id`, `X-Keyward-Identity` and " +
          "`X-Keyward-External-Id`, or 401/403/429 with `WWW-Authenticate`, `RateLimit-Policy`, `RateLimit` and `Retry-After`. Every answer carries " +
          "`X-Keyward-Status` and `X-Keyward-Code`. Unknown or malformed keys are limited per client address.",
        security: [],
        querystring: AuthQuery,
        response: { 200: AuthAllowed, 400: Problem, 401: Problem, 403: Problem, 429: Problem },
      },
    },
    async (request, reply) => {
      const { apiId, permissions, rateLimitStatus } = request.query;
      const permissionQuery = permissions !== undefined ? parseQuery(permissions) : undefined;
      const now = ctx.now().getTime();
      const ip = request.ip;
      const originalUri = request.headers["x-original-uri"];
      const answer = (code: AnswerCode, result: HttpAnswer, detail?: string) => {
        // nginx turns any status but 2xx/401/403 into a 500: the real one travels in X-Keyward-Status.
        const status = result.status === 429 && rateLimitStatus === "403" ? 403 : result.status;
        request.log.debug({ code, originalMethod: request.headers["x-original-method"], originalUri: typeof originalUri === "string" ? redactUrl(originalUri, keyQueryParam) : undefined }, "auth refused");
        const problem = { ...result.problem!, ...(detail ? { detail } : {}) };
        return reply
          .status(status as 401 | 403 | 429)
          .headers({ ...result.headers, "x-keyward-status": String(result.status), "x-keyward-code": code, "cache-control": "no-store" })
          .type("application/problem+json")
          .send(problem);
      };

      const blocked = gate.blocked(ip, now);
      if (blocked) return answer("RATE_LIMITED", httpAnswer("RATE_LIMITED", { ratelimits: [blocked] }), "Too many invalid API keys from this address; wait before trying again.");
      const query = keyQueryParam && typeof originalUri === "string" && originalUri.includes("?") ? { search: originalUri.slice(originalUri.indexOf("?")), param: keyQueryParam } : undefined;
      const found = findKey(request.headers, KEY_HEADERS, query);
      if (!found) return answer("MISSING", httpAnswer("MISSING"));
      const origin = request.headers.origin ?? request.headers.referer;
      const outcome = await ctx.verifier.verify(found.key, {
        workspaceId: null,
        ...(apiId !== undefined ? { apiId } : {}),
        ...(permissionQuery ? { permissionQuery } : {}),
        ip,
        ...(origin !== undefined ? { origin } : {}),
      });
      if (GUESSES.has(outcome.code)) {
        const refused = await gate.fail(ip, ctx.now().getTime());
        if (refused) return answer("RATE_LIMITED", httpAnswer("RATE_LIMITED", { ratelimits: [refused] }), "Too many invalid API keys from this address; wait before trying again.");
      }
      const result = httpAnswer(outcome.code, { ratelimits: outcome.ratelimits });
      if (outcome.code !== "VALID" || !outcome.subject) return answer(outcome.code, result);

      const identity = outcome.subject.source.identity;
      const caller = { keyId: outcome.subject.source.key.id, identityId: identity?.id ?? null, externalId: identity?.externalId ?? null };
      return reply
        .headers({ ...result.headers, ...Object.fromEntries(identityHeaders(caller)), "x-keyward-status": "200", "x-keyward-code": "VALID", "cache-control": "no-store" })
        .send({ valid: true as const, code: "VALID" as const, ...caller });
    },
  );
}
