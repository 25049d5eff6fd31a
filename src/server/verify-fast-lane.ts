// A raw node:http lane for POST /v1/keys/verify in front of Fastify: the call every customer request makes,
// answered without the framework's per-request work (routing, hooks, a request and reply object, a child
// logger). It answers as the Fastify route does — the same auth, the same validator compiled from the same
// schema, the same handler, the same problem documents — and hands anything unusual to Fastify itself:
// other methods and paths, a query string, a body that is not plain JSON of a known length, a JSON parse
// error, a request without a bearer token. Those go through `app.inject` once their body has been read (no
// side effect has happened by then), or straight to Fastify's handler before. Off while the logger is at
// debug or trace, where Fastify logs every verify request. test/http/verify-fast-lane.test.ts holds both
// answers equal over a table of inputs.
import { randomUUID } from "node:crypto";
import { createServer as createHttpServer, type IncomingMessage, type RequestListener, type ServerOptions, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { FastifyBaseLogger, FastifyServerFactory, FastifyServerOptions } from "fastify";
import { authenticateRootKey, authenticateRootKeyNow, readBearer, requirePermission } from "../auth/index.js";
import { KeywardError } from "../errors/index.js";
import type { ServiceContext } from "../services/index.js";
import { problemBody, toKeywardError, WWW_AUTHENTICATE } from "./problem.js";
import { createVerifyHandler, VERIFY_PATH } from "./routes/verify.js";
import { VerifyKeyBody } from "./schemas/keys.js";
import { createValidatorCompiler } from "./validation.js";

/** Takes the request and answers it (true), or leaves it untouched for Fastify (false). */
export type FastLane = (request: IncomingMessage, response: ServerResponse) => boolean;

interface InjectedResponse {
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  rawPayload: Buffer;
}

export interface FastLaneOptions {
  ctx: ServiceContext;
  log: FastifyBaseLogger;
  bodyLimit: number;
  /** Fastify answering a request the lane has read but leaves (app.inject). */
  inject(request: { method: "POST"; url: string; headers: IncomingMessage["headers"]; payload: string; remoteAddress: string | undefined }): Promise<InjectedResponse>;
}

const JSON_TYPES = new Set(["application/json", "application/json; charset=utf-8"]);
/** secure-json-parse (Fastify's parser) refuses these keys; such bodies go to Fastify to be refused alike. */
const PROTOTYPE_KEYS = /__proto__|constructor/;
const ANSWER_TYPE = "application/json; charset=utf-8";
const PROBLEM_TYPE = "application/problem+json; charset=utf-8";
/** Set by node itself or by the connection, not by what Fastify answered. */
const HOP_HEADERS = new Set(["connection", "keep-alive", "transfer-encoding", "date"]);

/**
 * The problem document as the route's response serializer writes it (fast-json-stringify, from the Problem
 * schema): the required fields first, then the optional ones, each group in the schema's order.
 */
function problemText(error: KeywardError): string {
  const { type, title, status, code, detail, instance, requestId, errors } = problemBody(error, VERIFY_PATH, randomUUID()) as ReturnType<typeof problemBody> & {
    detail?: string;
    errors?: unknown;
  };
  return JSON.stringify({ type, title, status, code, detail, instance, requestId, errors });
}

export function createVerifyFastLane(options: FastLaneOptions): FastLane {
  const { ctx, log, bodyLimit } = options;
  const handle = createVerifyHandler(ctx);
  const validate = createValidatorCompiler()({ schema: VerifyKeyBody, httpPart: "body", method: "POST", url: VERIFY_PATH }) as ((body: unknown) => boolean) & {
    errors?: unknown[] | null;
  };
  const logsEveryRequest = () => (log as { isLevelEnabled?: (level: string) => boolean }).isLevelEnabled?.("debug") === true;

  // Headers as flat name/value arrays, the length filled in per answer: node takes them as they are, without
  // the object's key walk and per-name validation. The same headers in the same order as before.
  const answerHeaders = ["content-type", ANSWER_TYPE, "content-length", ""];
  const problemHeaders = ["content-type", PROBLEM_TYPE, "content-length", ""];
  const unauthorizedHeaders = ["www-authenticate", WWW_AUTHENTICATE, "content-type", PROBLEM_TYPE, "content-length", ""];
  const send = (response: ServerResponse, status: number, headers: string[], body: string) => {
    headers[headers.length - 1] = String(Buffer.byteLength(body));
    response.writeHead(status, headers);
    response.end(body);
  };

  const sendProblem = (response: ServerResponse, error: KeywardError) =>
    send(response, error.status, error.code === "UNAUTHORIZED" ? unauthorizedHeaders : problemHeaders, problemText(error));

  const delegate = async (request: IncomingMessage, response: ServerResponse, text: string) => {
    const answered = await options.inject({ method: "POST", url: VERIFY_PATH, headers: request.headers, payload: text, remoteAddress: request.socket.remoteAddress });
    const headers: Record<string, string | string[] | number> = {};
    for (const [name, value] of Object.entries(answered.headers)) if (value !== undefined && !HOP_HEADERS.has(name)) headers[name] = value;
    response.writeHead(answered.statusCode, headers);
    response.end(answered.rawPayload);
  };

  const answer = async (request: IncomingMessage, response: ServerResponse, text: string) => {
    // Fastify's order: parse the body, authenticate (preValidation), validate, handle.
    let body: unknown;
    try {
      if (PROTOTYPE_KEYS.test(text)) return await delegate(request, response, text);
      body = JSON.parse(text);
    } catch {
      return await delegate(request, response, text);
    }
    if (readBearer(request.headers.authorization) === null) return await delegate(request, response, text);
    try {
      // A cached root key and a cached customer key are answered without a promise (`Verifier.verifyCached`);
      // otherwise (a cache miss, credits, a shared limiter) the same work is awaited, nothing done twice.
      const { authorization } = request.headers;
      const actor = authenticateRootKeyNow(ctx.verifier, authorization) ?? (await authenticateRootKey(ctx.verifier, authorization));
      requirePermission(actor, "keys:verify");
      if (!validate(body)) throw toKeywardError({ validation: validate.errors, validationContext: "body" });
      const typed = body as Parameters<typeof handle>[0];
      send(response, 200, answerHeaders, JSON.stringify(handle.now(typed, actor.workspaceId) ?? (await handle(typed, actor.workspaceId))));
    } catch (error) {
      const known = toKeywardError(error);
      if (known) return sendProblem(response, known);
      log.error({ err: error }, "unhandled error");
      sendProblem(response, new KeywardError("INTERNAL_ERROR", "Something went wrong; the request id identifies it in the logs."));
    }
  };

  return (request, response) => {
    if (request.method !== "POST" || request.url !== VERIFY_PATH) return false;
    const { headers } = request;
    const type = headers["content-type"];
    if (type === undefined || !JSON_TYPES.has(type.toLowerCase())) return false;
    const length = headers["content-length"];
    if (length === undefined || headers["transfer-encoding"] !== undefined || !/^[1-9][0-9]{0,9}$/.test(length) || Number(length) > bodyLimit) return false;
    if (logsEveryRequest()) return false;
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("error", () => response.destroy());
    request.on("end", () => {
      answer(request, response, Buffer.concat(chunks).toString("utf8")).catch((error: unknown) => {
        log.error({ err: error }, "unhandled error");
        response.destroy();
      });
    });
    return true;
  };
}

/**
 * Fastify's server factory with the lane in front: the server Fastify would make (HTTP or HTTPS, its
 * timeouts), whose requests meet the lane first once `lane()` returns one (after the routes are built).
 */
export function fastLaneServerFactory(https: { cert: Buffer; key: Buffer } | null, lane: () => FastLane | null): FastifyServerFactory {
  return (handler, options) => {
    const listener: RequestListener = (request, response) => {
      const take = lane();
      if (take === null || !take(request, response)) handler(request, response);
    };
    const server = https ? createHttpsServer(https, listener) : createHttpServer((options as { http?: ServerOptions }).http ?? {}, listener);
    const { keepAliveTimeout, requestTimeout, connectionTimeout, maxRequestsPerSocket } = options as FastifyServerOptions;
    if (keepAliveTimeout !== undefined) server.keepAliveTimeout = keepAliveTimeout;
    if (requestTimeout !== undefined) server.requestTimeout = requestTimeout;
    if (connectionTimeout !== undefined) server.setTimeout(connectionTimeout);
    if (maxRequestsPerSocket !== undefined && maxRequestsPerSocket > 0) server.maxRequestsPerSocket = maxRequestsPerSocket;
    return server;
  };
}
