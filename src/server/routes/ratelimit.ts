// /v1/ratelimit: the standalone limiter and its per-identifier overrides.
import { Type } from "@sinclair/typebox";
import { deleteOverride, limitIdentifier, listOverrides, putOverride } from "../../services/index.js";
import type { RateLimitOverride } from "../../storage/port.js";
import { AUTHED_PROBLEMS, Deleted, PageOf, PageQuery, problems } from "../schemas/common.js";
import { Override, OverrideBody, OverrideRef, RateLimitAnswer, RateLimitBody } from "../schemas/limits.js";
import { changeActorOf } from "../audit-context.js";
import { actorOf, guard, managed, type App, type RouteOptions } from "../route-kit.js";

function overrideView(override: RateLimitOverride) {
  return {
    namespace: override.namespace,
    identifier: override.identifier,
    limit: override.limit,
    durationMs: override.durationMs,
    createdAt: override.createdAt.toISOString(),
    updatedAt: override.updatedAt.toISOString(),
  };
}

export async function rateLimitRoutes(app: App, { ctx }: RouteOptions) {
  app.post(
    "/v1/ratelimit",
    {
      preValidation: guard(ctx, "ratelimits:limit"),
      schema: {
        ...managed("ratelimit", "Count one request (of `cost`) against `limit` per `durationMs` for an identifier"),
        body: RateLimitBody,
        response: { 200: RateLimitAnswer, ...problems(...AUTHED_PROBLEMS) },
      },
    },
    async (request) => limitIdentifier(ctx, actorOf(request), request.body),
  );
  app.put(
    "/v1/ratelimit/overrides",
    {
      preValidation: guard(ctx, "ratelimits:update"),
      schema: { ...managed("ratelimit", "Set an identifier's own limit in a namespace"), body: OverrideBody, response: { 200: Override, ...problems(...AUTHED_PROBLEMS) } },
    },
    async (request) => overrideView(await putOverride(ctx, changeActorOf(request), request.body)),
  );
  app.get(
    "/v1/ratelimit/overrides",
    {
      preValidation: guard(ctx, "ratelimits:read"),
      schema: {
        ...managed("ratelimit", "List a namespace's overrides"),
        querystring: Type.Object({ namespace: OverrideRef.properties.namespace, ...PageQuery }, { additionalProperties: false }),
        response: { 200: PageOf(Override), ...problems(...AUTHED_PROBLEMS) },
      },
    },
    async (request) => {
      const { namespace, ...page } = request.query;
      const result = await listOverrides(ctx, actorOf(request), namespace, page);
      return { items: result.items.map(overrideView), nextCursor: result.nextCursor };
    },
  );
  app.delete(
    "/v1/ratelimit/overrides",
    {
      preValidation: guard(ctx, "ratelimits:update"),
      schema: { ...managed("ratelimit", "Remove an override"), querystring: OverrideRef, response: { 200: Deleted, ...problems(...AUTHED_PROBLEMS, 404) } },
    },
    async (request) => {
      await deleteOverride(ctx, changeActorOf(request), request.query.namespace, request.query.identifier);
      return { deleted: true as const };
    },
  );
}
