// keyward/sdk/fastify: `app.register(keyward({ … }))` verifies every request of the registering
// context in an onRequest hook (before the body is read); handlers find the key on `request.keyward`.
// For routes with other requirements, register another keyward() inside their own plugin.
import type { FastifyInstance, FastifyPluginAsync } from "fastify";
import { createKeywardGuard, type KeywardContext, type KeywardOptions } from "./guard.js";

declare module "fastify" {
  interface FastifyRequest {
    /** Set by keyward(): the verified key, or null when failOpen let the request through unverified. */
    keyward: KeywardContext | null;
  }
}

export type { KeywardContext, KeywardLogger, KeywardOptions } from "./guard.js";

export function keyward(options: KeywardOptions): FastifyPluginAsync {
  const plugin = async (app: FastifyInstance) => {
    // Defaults to the app's own logger, so the lines land where the rest of the app's logs go.
    const guard = createKeywardGuard(options, { logger: app.log });
    if (!app.hasRequestDecorator("keyward")) app.decorateRequest("keyward", null);
    app.addHook("onRequest", async (request, reply) => {
      const decision = await guard.check({ header: (name) => headerValue(request.headers[name]), url: request.url, ip: request.ip });
      reply.headers(decision.headers);
      if (!decision.pass) return reply.code(decision.status).type("application/problem+json").send(JSON.stringify(decision.problem));
      request.keyward = decision.context;
    });
  };
  // What fastify-plugin does: the hook applies to the context that registers the plugin, not only
  // to a child context of its own (which would have no routes).
  return Object.assign(plugin, { [Symbol.for("skip-override")]: true, [Symbol.for("fastify.display-name")]: "keyward" });
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
