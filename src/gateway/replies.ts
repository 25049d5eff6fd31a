// The answers the gateway gives itself: a refused call (the shared HTTP answer of src/core), its own
// failures (catalogue problems: upstream down, upstream slow, Keyward unreachable), and /healthz.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { HttpAnswer } from "../core/index.js";
import { ERROR_CATALOGUE, problemType, type ErrorCode } from "../errors/index.js";

function send(req: IncomingMessage, res: ServerResponse, status: number, headers: Record<string, string>, body: string, contentType: string): void {
  // An unread upload on a refused call is not read to its end just to keep the connection: close it.
  const unreadBody = !req.complete && (req.headers["content-length"] !== undefined ? req.headers["content-length"] !== "0" : req.headers["transfer-encoding"] !== undefined);
  res.writeHead(status, {
    ...headers,
    "content-type": contentType,
    "content-length": String(Buffer.byteLength(body)),
    "cache-control": "no-store",
    ...(unreadBody ? { connection: "close" } : {}),
  });
  res.end(req.method === "HEAD" ? undefined : body);
}

/** A refusal: 401/403/429 with WWW-Authenticate, RateLimit fields and Retry-After as the core decided. */
export function sendRefusal(req: IncomingMessage, res: ServerResponse, answer: HttpAnswer): void {
  send(req, res, answer.status, answer.headers, JSON.stringify(answer.problem), "application/problem+json");
}

/** The gateway's own failure, from the error catalogue. Headers already sent: the connection is cut instead. */
export function sendProblem(req: IncomingMessage, res: ServerResponse, code: ErrorCode, detail: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const { status, title } = ERROR_CATALOGUE[code];
  send(req, res, status, {}, JSON.stringify({ type: problemType(code), title, status, detail, code }), "application/problem+json");
}

export function sendHealth(req: IncomingMessage, res: ServerResponse): void {
  send(req, res, 200, {}, '{"status":"ok"}', "application/json");
}
