// The actor of a change, with where the request came from, for its audit entry. Only routes that
// change something use it: reads and verification keep the shared actor object as it is.
import type { FastifyRequest } from "fastify";
import type { ChangeActor } from "../services/index.js";
import { actorOf } from "./route-kit.js";

/** Longer User-Agent headers are cut: the entry records the client, not whatever a caller sends. */
export const MAX_AUDIT_USER_AGENT = 512;

export function changeActorOf(request: FastifyRequest): ChangeActor {
  const userAgent = request.headers["user-agent"];
  return {
    ...actorOf(request),
    request: {
      requestId: request.id,
      // The socket's address, or X-Forwarded-For's client when KEYWARD_TRUST_PROXY is set.
      sourceIp: request.ip || null,
      userAgent: typeof userAgent === "string" && userAgent !== "" ? userAgent.slice(0, MAX_AUDIT_USER_AGENT) : null,
    },
  };
}
