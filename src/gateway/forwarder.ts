// Forwards one request to the upstream over kept-alive undici connections and streams both bodies:
// the client's upload is read as the upstream takes it, and the upstream's answer is written to the
// client as it comes, with backpressure both ways, so a body of any size costs a few buffers.
import { EventEmitter } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Pool } from "undici";
import type { ErrorCode } from "../errors/index.js";
import { clientHeaders } from "./forward-headers.js";

export interface ForwardTarget {
  /** Normalised path and the (possibly rewritten) query, e.g. `/v1/docs/1?x=1`. */
  path: string;
  headers: string[];
  /** Added to the upstream's response headers (the RateLimit fields of a verified call). */
  extraHeaders: Record<string, string>;
}

export interface ForwardFailure {
  code: Extract<ErrorCode, "UPSTREAM_UNAVAILABLE" | "UPSTREAM_TIMEOUT">;
  detail: string;
  /** undici's or the system's error code, for the log. */
  cause: string;
}

export interface Forwarder {
  /** Resolves when the exchange is over; a failure before the response started is returned for the caller to answer. */
  forward(req: IncomingMessage, res: ServerResponse, target: ForwardTarget): Promise<ForwardFailure | null>;
  close(): Promise<void>;
}

/** Connecting or waiting for headers too long is a timeout (nginx answers 504 for both); the rest means unreachable. */
const TIMEOUTS = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_CONNECT_TIMEOUT"]);

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers["content-length"];
  return length !== undefined ? length !== "0" : req.headers["transfer-encoding"] !== undefined;
}

export function createForwarder(upstream: URL, timeoutMs: number): Forwarder {
  // headersTimeout: the wait for the response to start; bodyTimeout: the longest silence within a body.
  const pool = new Pool(upstream.origin, { connectTimeout: timeoutMs, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, keepAliveTimeout: 10_000 });
  const base = upstream.pathname.replace(/\/$/, "");

  return {
    async forward(req, res, target) {
      // A client that leaves before the upstream answered: stop waiting for it. Once the response is
      // streaming, undici watches `res` itself and aborts when it closes early. undici takes any
      // emitter of "abort" as a signal; an AbortController would cost a DOMException per request,
      // since `close` also follows every normal end.
      const signal = new EventEmitter();
      let gone = false;
      const onClose = () => {
        if (res.writableFinished) return;
        gone = true;
        signal.emit("abort");
      };
      res.once("close", onClose);
      try {
        await pool.stream(
          {
            method: req.method as "GET",
            path: base + target.path,
            headers: target.headers,
            body: hasBody(req) ? req : null,
            signal,
          },
          ({ statusCode, headers }) => {
            res.writeHead(statusCode, clientHeaders(headers, target.extraHeaders));
            return res;
          },
        );
        return null;
      } catch (error) {
        const cause = (error as { code?: string }).code ?? (error as Error).name;
        if (gone || res.headersSent || res.destroyed) {
          // The client left, or the response broke off midway: a cut connection is the only honest answer.
          res.destroy();
          return null;
        }
        if (TIMEOUTS.has(cause)) return { code: "UPSTREAM_TIMEOUT", detail: `The API sent no response within ${timeoutMs} ms.`, cause };
        return { code: "UPSTREAM_UNAVAILABLE", detail: "The API behind the gateway could not be reached.", cause };
      } finally {
        res.off("close", onClose);
      }
    },
    close: () => pool.close(),
  };
}
