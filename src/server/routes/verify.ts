// POST /v1/keys/verify: every well-formed request gets 200 with `valid` and a stable `code`.
import { parsePermissionQuery, type PermissionQuery } from "../../core/index.js";
import { KeywardError } from "../../errors/index.js";
import type { VerifyOutcome } from "../../verify/index.js";
import { AUTHED_PROBLEMS, problems } from "../schemas/common.js";
import { VerifyKeyBody, VerifyKeyResult } from "../schemas/keys.js";
import { actorOf, guard, managed, type App, type RouteOptions } from "../route-kit.js";

/** Parsed queries are reused: callers send the same few queries again and again. */
const QUERY_CACHE_LIMIT = 1000;

export async function verifyRoutes(app: App, { ctx }: RouteOptions) {
  const queries = new Map<string, PermissionQuery>();
  const parseQuery = (text: string): PermissionQuery => {
    const cached = queries.get(text);
    if (cached) return cached;
    const parsed = parsePermissionQuery(text);
    if (!parsed.ok) {
      throw new KeywardError("INVALID_PERMISSION_QUERY", parsed.message, [{ pointer: "/body/permissions", message: parsed.message }]);
    }
    if (queries.size >= QUERY_CACHE_LIMIT) queries.clear();
    queries.set(text, parsed.query);
    return parsed.query;
  };

  app.post(
    "/v1/keys/verify",
    {
      preValidation: guard(ctx, "keys:verify"),
      schema: {
        ...managed("verify", "Verify a key"),
        body: VerifyKeyBody,
        response: { 200: VerifyKeyResult, ...problems(...AUTHED_PROBLEMS) },
      },
    },
    async (request) => {
      const { key, apiId, permissions, ip, origin, ratelimits, cost } = request.body;
      const outcome = await ctx.verifier.verify(key, {
        workspaceId: actorOf(request).workspaceId,
        ...(apiId !== undefined ? { apiId } : {}),
        ...(permissions !== undefined ? { permissionQuery: parseQuery(permissions) } : {}),
        ...(ip !== undefined ? { ip } : {}),
        ...(origin !== undefined ? { origin } : {}),
      }, { ...(ratelimits ? { ratelimits } : {}), ...(cost !== undefined ? { cost } : {}) });
      return verifyAnswer(outcome, ctx.now().getTime());
    },
  );
}

export function verifyAnswer({ code, subject, ratelimits, credits }: VerifyOutcome, now = Date.now()) {
  if (!subject) {
    return { valid: false, code, keyId: null, apiId: null, name: null, environment: null, identity: null, meta: null, permissions: [], roles: [], expiresAt: null, ratelimits: [], credits: null };
  }
  const { key, identity, roles } = subject.source;
  return {
    valid: code === "VALID",
    code,
    keyId: key.id,
    apiId: key.apiId,
    name: key.name,
    environment: key.environment,
    identity: identity ? { id: identity.id, externalId: identity.externalId, meta: identity.meta } : null,
    meta: key.meta,
    permissions: subject.permissions.names as string[],
    roles: roles.map((role) => role.name),
    expiresAt: key.expiresAt ? key.expiresAt.toISOString() : null,
    ratelimits: ratelimits.map((limit) => ({
      name: limit.name,
      limit: limit.limit,
      remaining: limit.remaining,
      reset: now + limit.resetMs,
      durationMs: limit.durationMs,
      allowed: limit.allowed,
      retryAfterMs: limit.retryAfterMs,
    })),
    credits,
  };
}
