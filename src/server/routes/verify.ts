// POST /v1/keys/verify: every well-formed request gets 200 with `valid` and a stable `code`.
import type { Static } from "@sinclair/typebox";
import { LogController, type FastifyRequest } from "fastify";
import { hashKey, MAX_KEY_LENGTH, parsePermissionQuery, type PermissionQuery, type VerificationRequest } from "../../core/index.js";
import { KeywardError } from "../../errors/index.js";
import type { ServiceContext } from "../../services/index.js";
import type { VerifyExtras, VerifyOutcome } from "../../verify/index.js";
import { AUTHED_PROBLEMS, problems } from "../schemas/common.js";
import { VerifyKeyBody, VerifyKeyResult } from "../schemas/keys.js";
import { actorOf, guard, managed, type App, type RouteOptions } from "../route-kit.js";

export const VERIFY_PATH = "/v1/keys/verify";

/**
 * Fastify's per-request log lines ("incoming request", "request completed") for verify only at debug or
 * trace: at the default level (info) they cost more than the verification itself (docs/performance.md).
 * Every other route logs as before; errors are logged by the error handler whatever the level.
 */
export class HotPathLogController extends LogController {
  override isLogDisabled(request: FastifyRequest): boolean {
    // Pino answers isLevelEnabled; without a logger (tests) there is nothing to log anyway.
    const log = request.log as { isLevelEnabled?: (level: string) => boolean };
    if (request.routeOptions.url === VERIFY_PATH && log.isLevelEnabled?.("debug") !== true) return true;
    return super.isLogDisabled(request);
  }
}

/** Parsed queries are reused: callers send the same few queries again and again. */
const QUERY_CACHE_LIMIT = 1000;
const NO_EXTRAS: VerifyExtras = Object.freeze({});

export type VerifyAnswer = ReturnType<typeof verifyAnswer>;

/**
 * The route's work once the caller is authenticated and the body validated: shared by the Fastify route and
 * the raw node:http lane in front of it (verify-fast-lane.ts), so both answer alike.
 */
export interface VerifyHandler {
  (body: Static<typeof VerifyKeyBody>, workspaceId: string): Promise<VerifyAnswer>;
  /** The same answer without a promise when the verifier can give it (`Verifier.verifyCached`); else null, nothing done. */
  now(body: Static<typeof VerifyKeyBody>, workspaceId: string): VerifyAnswer | null;
}

export function createVerifyHandler(ctx: ServiceContext): VerifyHandler {
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
  // One request object of one shape per call (an absent field is undefined, which every check reads as absent).
  const requestOf = ({ apiId, permissions, ip, origin }: Static<typeof VerifyKeyBody>, workspaceId: string): VerificationRequest => ({
    workspaceId,
    apiId,
    permissionQuery: permissions !== undefined ? parseQuery(permissions) : undefined,
    ip,
    origin,
  });
  const extrasOf = ({ ratelimits, cost }: Static<typeof VerifyKeyBody>): VerifyExtras => (ratelimits === undefined && cost === undefined ? NO_EXTRAS : { ratelimits, cost });
  const handle = async (body: Static<typeof VerifyKeyBody>, workspaceId: string) =>
    verifyAnswer(await ctx.verifier.verify(body.key, requestOf(body, workspaceId), extrasOf(body)), ctx.now().getTime());
  const now = (body: Static<typeof VerifyKeyBody>, workspaceId: string) => {
    const { key } = body;
    if (typeof key !== "string" || key.length > MAX_KEY_LENGTH) return null;
    const outcome = ctx.verifier.verifyCached(key, hashKey(key), requestOf(body, workspaceId), extrasOf(body));
    return outcome === null ? null : verifyAnswer(outcome, ctx.now().getTime());
  };
  return Object.assign(handle, { now });
}

export async function verifyRoutes(app: App, { ctx }: RouteOptions) {
  const handle = createVerifyHandler(ctx);
  app.post(
    VERIFY_PATH,
    {
      preValidation: guard(ctx, "keys:verify"),
      schema: {
        ...managed("verify", "Verify a key"),
        body: VerifyKeyBody,
        response: { 200: VerifyKeyResult, ...problems(...AUTHED_PROBLEMS) },
      },
    },
    async (request) => handle(request.body, actorOf(request).workspaceId),
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
