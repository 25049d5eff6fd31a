// The gateway's request path: match the route, read the key, verify, then either answer the refusal
// itself or forward to the upstream with the caller's identity. Built on node:http, not Fastify: a
// proxy needs no routing, parsing or serialisation, and every microsecond here is added to every
// call of the API behind it (`npm run bench:gateway` measures what is left).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import { findKey, httpAnswer, type AnswerCode, type KeyHeaderRule } from "../core/index.js";
import { redactUrl } from "../server/redaction.js";
import type { GatewayConfig } from "./gateway-config-schema.js";
import { upstreamHeaders } from "./forward-headers.js";
import type { Forwarder } from "./forwarder.js";
import { KeywardUnavailableError, type KeyChecker, type KeyVerdict } from "./key-checker.js";
import { normalizePath } from "./normalize-path.js";
import { sendHealth, sendProblem, sendRefusal } from "./replies.js";
import { matchRoute, type GatewayRoute } from "./route-matcher.js";

export interface GatewayHandlerOptions {
  config: GatewayConfig;
  routes: GatewayRoute[];
  keyHeaders: KeyHeaderRule[];
  /** null when `auth: false`: every call is forwarded unverified. */
  checker: KeyChecker | null;
  forwarder: Forwarder;
  logger: Logger;
  tls: boolean;
}

const NO_HEADERS: Record<string, string> = {};

/** `/path?query` from the request target; an absolute-form target (`http://host/path`) is reduced to it. */
function splitTarget(url: string): { path: string; search: string } | null {
  let target = url;
  if (!target.startsWith("/")) {
    try {
      const parsed = new URL(target);
      target = parsed.pathname + parsed.search;
    } catch {
      return null;
    }
  }
  const question = target.indexOf("?");
  return question < 0 ? { path: target, search: "" } : { path: target.slice(0, question), search: target.slice(question) };
}

/** The query without the key's parameter; every other parameter keeps its exact encoding. */
function withoutParam(search: string, param: string): string {
  const kept = search
    .slice(1)
    .split("&")
    .filter((pair) => {
      const name = pair.split("=", 1)[0]!;
      try {
        return decodeURIComponent(name.replace(/\+/g, " ")) !== param;
      } catch {
        return true;
      }
    });
  return kept.length === 0 ? "" : `?${kept.join("&")}`;
}

export function createGatewayHandler(options: GatewayHandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { config, routes, keyHeaders, checker, forwarder, logger } = options;
  const queryParam = config.keyQueryParam;
  const debug = logger.isLevelEnabled("debug");
  const proto = options.tls ? "https" : "http";

  const clientIp = (req: IncomingMessage, peer: string): string => {
    if (!config.trustProxy) return peer;
    const forwarded = req.headers["x-forwarded-for"];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(",")[0]?.trim();
    return first || peer;
  };

  const logLine = (req: IncomingMessage, fields: object, message: string, level: "debug" | "warn" | "error" = "debug") => {
    // Log lines show the URL with any key-bearing parameter redacted; headers are never logged.
    logger[level]({ method: req.method, url: redactUrl(req.url ?? "", queryParam), ...fields }, message);
  };

  const refuse = (req: IncomingMessage, res: ServerResponse, code: AnswerCode, route: GatewayRoute, verdict: KeyVerdict | null) => {
    if (debug) logLine(req, { route: route.pattern, code, keyId: verdict?.keyId ?? undefined }, "gateway refused");
    sendRefusal(req, res, httpAnswer(code, { realm: config.realm, ratelimits: verdict?.ratelimits ?? [] }));
  };

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = splitTarget(req.url ?? "/");
    if (!target) return sendProblem(req, res, "VALIDATION_FAILED", "The request target is not a path.");
    const path = normalizePath(target.path);
    const method = req.method ?? "GET";
    if (config.healthPath && path === config.healthPath && (method === "GET" || method === "HEAD")) return sendHealth(req, res);
    const route = matchRoute(routes, method, path);
    const peer = req.socket.remoteAddress ?? "";

    let verdict: KeyVerdict | null = null;
    let extraHeaders = NO_HEADERS;
    let search = target.search;
    if (checker && !route.public) {
      const found = findKey(req.headers, keyHeaders, queryParam ? { search, param: queryParam } : undefined);
      if (!found) return refuse(req, res, "MISSING", route, null);
      const origin = req.headers.origin ?? req.headers.referer;
      try {
        verdict = await checker.check(found.key, { route, ip: clientIp(req, peer), ...(origin !== undefined ? { origin } : {}) });
      } catch (error) {
        if (!(error instanceof KeywardUnavailableError)) throw error;
        // Fail closed: a call that could not be verified does not reach the API.
        logLine(req, { err: error.message }, "gateway could not verify: Keyward unavailable", "error");
        return sendProblem(req, res, "VERIFICATION_UNAVAILABLE", "The API key could not be verified right now; try again shortly.");
      }
      if (verdict.code !== "VALID") return refuse(req, res, verdict.code, route, verdict);
      extraHeaders = httpAnswer("VALID", { ratelimits: verdict.ratelimits }).headers;
    }
    // Keys are stripped on public routes too: the upstream never needs one, and its logs should not hold one.
    const strip = checker && config.stripKey;
    if (strip && queryParam && search) search = withoutParam(search, queryParam);

    const headers = upstreamHeaders(req.rawHeaders, { peer, proto, trustProxy: config.trustProxy, strip: strip ? keyHeaders : null, identity: verdict });
    const failure = await options.forwarder.forward(req, res, { path: path + search, headers, extraHeaders });
    if (failure) {
      logLine(req, { route: route.pattern, code: failure.code, cause: failure.cause }, "gateway upstream failure", "warn");
      return sendProblem(req, res, failure.code, failure.detail);
    }
    if (debug) logLine(req, { route: route.pattern, status: res.statusCode, keyId: verdict?.keyId ?? undefined }, "gateway forwarded");
  }

  return (req, res) => {
    serve(req, res).catch((error: unknown) => {
      logger.error({ err: error, method: req.method, url: redactUrl(req.url ?? "", queryParam) }, "gateway error");
      sendProblem(req, res, "INTERNAL_ERROR", "Something went wrong in the gateway.");
    });
  };
}
