// keyward/sdk/express: `app.use(keyward({ … }))` verifies each request through Keyward; the handler
// finds the key's id, identity and metadata on `req.keyward`.
import type { RequestHandler } from "express";
import { createKeywardGuard, type KeywardContext, type KeywardOptions } from "./guard.js";

declare global {
  namespace Express {
    interface Request {
      /** Set by keyward(): the verified key, or null when failOpen let the request through unverified. */
      keyward?: KeywardContext | null;
    }
  }
}

export type { KeywardContext, KeywardLogger, KeywardOptions } from "./guard.js";

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export function keyward(options: KeywardOptions): RequestHandler {
  const guard = createKeywardGuard(options);
  return (req, res, next) => {
    guard
      .check({ header: (name) => firstValue(req.headers[name]), url: req.originalUrl, ip: req.ip })
      .then((decision) => {
        res.set(decision.headers);
        if (!decision.pass) {
          res.status(decision.status).type("application/problem+json").send(JSON.stringify(decision.problem));
          return;
        }
        req.keyward = decision.context;
        next();
      }, next);
  };
}
