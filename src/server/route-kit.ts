// What every management route shares: the service context, root-key auth before validation
// (an unauthenticated caller learns nothing about the schema), and the caller's actor.
import type { FastifyInstance, FastifyRequest, preValidationAsyncHookHandler } from "fastify";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { authenticateRootKey, requirePermission, type Actor, type ManagementPermission } from "../auth/index.js";
import type { ServiceContext } from "../services/index.js";

declare module "fastify" {
  interface FastifyRequest {
    actor?: Actor;
  }
}

export type App = FastifyInstance<any, any, any, any, TypeBoxTypeProvider>;

export interface RouteOptions {
  ctx: ServiceContext;
}

export function guard(ctx: ServiceContext, permission: ManagementPermission): preValidationAsyncHookHandler {
  return async (request) => {
    const actor = await authenticateRootKey(ctx.verifier, request.headers.authorization);
    requirePermission(actor, permission);
    request.actor = actor;
  };
}

export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new Error("route without guard");
  return request.actor;
}

/** OpenAPI bits every management route carries. */
export function managed(tag: string, summary: string) {
  return { tags: [tag], summary, security: [{ rootKey: [] }] };
}
