// Liveness, readiness and metrics: unauthenticated, and free of any secret or id.
import { Type } from "@sinclair/typebox";
import type { App, RouteOptions } from "../route-kit.js";

const Readiness = Type.Object({ status: Type.String(), checks: Type.Record(Type.String(), Type.String()) });

export async function healthRoutes(app: App, { ctx }: RouteOptions) {
  app.get("/healthz", { schema: { tags: ["health"], summary: "Liveness", response: { 200: Type.Object({ status: Type.Literal("ok") }) } } }, async () => ({
    status: "ok" as const,
  }));
  app.get(
    "/readyz",
    {
      schema: {
        tags: ["health"],
        summary: "Readiness: the database answers",
        response: { 200: Readiness, 503: Readiness },
      },
    },
    async (request, reply) => {
      // A degraded limiter still answers (locally), so the node stays ready; the detail says so.
      const limiter = ctx.limiter.status().degraded ? "degraded" : "ok";
      try {
        await ctx.store.workspaces.count();
        return { status: "ready", checks: { database: "ok", limiter } };
      } catch (error) {
        request.log.warn({ err: error }, "readiness check failed");
        return reply.status(503).send({ status: "unavailable", checks: { database: "unreachable", limiter } });
      }
    },
  );
  app.get("/metrics", { schema: { hide: true } as object }, async (_request, reply) => {
    ctx.metrics.cacheEntries.set(ctx.cache.size);
    return reply.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
  });
}
