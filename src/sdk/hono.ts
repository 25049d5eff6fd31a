// keyward/sdk/hono: `app.use("/api/*", keyward({ … }))` verifies each request through Keyward; the
// handler finds the key with `c.get("keyward")`.
import type { Context, MiddlewareHandler } from "hono";
import { createKeywardGuard, type KeywardContext, type KeywardOptions } from "./guard.js";

export type { KeywardContext, KeywardLogger, KeywardOptions } from "./guard.js";

export interface KeywardVariables {
  /** The verified key, or null when failOpen let the request through unverified. */
  keyward: KeywardContext | null;
}

export interface KeywardHonoOptions extends KeywardOptions {
  /**
   * The client's IP for the key's IP allowlist. Hono has no runtime-neutral way to know it; the
   * default reads the socket under @hono/node-server. Behind a proxy, derive it from the header your
   * proxy sets — and only then.
   */
  clientIp?: (c: Context) => string | undefined;
}

function nodeSocketIp(c: Context): string | undefined {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress;
}

export function keyward(options: KeywardHonoOptions): MiddlewareHandler<{ Variables: KeywardVariables }> {
  const guard = createKeywardGuard(options);
  const clientIp = options.clientIp ?? nodeSocketIp;
  return async (c, next) => {
    const decision = await guard.check({ header: (name) => c.req.header(name), url: c.req.url, ip: clientIp(c) });
    if (!decision.pass) {
      return new Response(JSON.stringify(decision.problem), {
        status: decision.status,
        headers: { ...decision.headers, "content-type": "application/problem+json" },
      });
    }
    c.set("keyward", decision.context);
    await next();
    // Set on the finished response: headers prepared with c.header() are lost when a handler
    // returns a Response of its own.
    const headers = Object.entries(decision.headers);
    if (headers.length === 0) return;
    try {
      for (const [name, value] of headers) c.res.headers.set(name, value);
    } catch {
      // A Response with immutable headers (e.g. straight from fetch): answer with a copy.
      c.res = new Response(c.res.body, c.res);
      for (const [name, value] of headers) c.res.headers.set(name, value);
    }
  };
}
