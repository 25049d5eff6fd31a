// The gateway's configuration (a YAML file and/or command-line flags): one schema, its defaults, and
// the types the rest of the gateway reads.
import { Type, type Static } from "@sinclair/typebox";
import { DEFAULT_KEY_HEADERS } from "../core/index.js";
import { RequestedLimits } from "../server/schemas/limits.js";

export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
const Method = Type.Union(HTTP_METHODS.map((method) => Type.Literal(method)));

export const GatewayRouteSchema = Type.Object(
  {
    /** One method or several; absent means any. */
    method: Type.Optional(Type.Union([Method, Type.Array(Method, { minItems: 1 })])),
    /** `/v1/documents/:id` (one segment per parameter), `/admin/*` (everything below, /admin included). */
    path: Type.String({ pattern: "^/", maxLength: 2048 }),
    /** Permission query the key must satisfy, e.g. `docs:read AND (docs:write OR admin:*)`. */
    permissions: Type.Optional(Type.String({ minLength: 1 })),
    ratelimits: Type.Optional(RequestedLimits),
    /** Credits one call costs (default 1); taken only when every check passed. */
    cost: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000 })),
    /** Forwarded without a key (health checks, public docs); client X-Keyward-* headers are still removed. */
    public: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const GatewayConfigSchema = Type.Object(
  {
    /** The API behind the gateway: `http://127.0.0.1:3000`, optionally with a base path. */
    upstream: Type.String({ pattern: "^https?://[^\\s]+$" }),
    /** The Keyward API (keyspace) whose keys are accepted. */
    api: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    /** Embedded: pins the workspace and checks at start-up that `api` is one of its APIs. */
    workspace: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    /** embedded: verify in this process against the store; remote: ask a Keyward server. Default: remote when KEYWARD_URL is set. */
    mode: Type.Optional(Type.Union([Type.Literal("embedded"), Type.Literal("remote")])),
    host: Type.String({ minLength: 1, default: "127.0.0.1" }),
    port: Type.Integer({ minimum: 0, maximum: 65535, default: 8081 }),
    /** First match wins; a request no route matches needs a valid key and nothing more. */
    routes: Type.Array(GatewayRouteSchema, { default: [], maxItems: 10_000 }),
    /** `Header` or `Header: Scheme`, tried in this order. */
    keyHeaders: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: 20, default: [...DEFAULT_KEY_HEADERS] }),
    /** Also accept the key in this query parameter (off by default: URLs end up in logs); always redacted from logs. */
    keyQueryParam: Type.Optional(Type.String({ pattern: "^[A-Za-z0-9_-]{1,64}$" })),
    /** Remove the key (its header or query parameter) before forwarding. */
    stripKey: Type.Boolean({ default: true }),
    /** Waiting longer than this for the upstream's response headers (or between body chunks) gives a 504. */
    upstreamTimeoutMs: Type.Integer({ minimum: 1, maximum: 3_600_000, default: 30_000 }),
    /** Remote mode: the API holds imported keys; keys outside Keyward's format go to Keyward instead of being refused here. */
    importedKeys: Type.Optional(Type.Boolean()),
    /** Remote mode: how long a verification call to Keyward may take before the request gets a 503. */
    keywardTimeoutMs: Type.Integer({ minimum: 1, maximum: 600_000, default: 5_000 }),
    /** The `realm` of WWW-Authenticate challenges. */
    realm: Type.String({ minLength: 1, maxLength: 200, default: "api" }),
    /** Take the client address from X-Forwarded-For and keep incoming X-Forwarded-* (only behind a proxy you run). */
    trustProxy: Type.Boolean({ default: false }),
    /** false forwards without verifying (a baseline for benchmarks, never for production). */
    auth: Type.Boolean({ default: true }),
    /** The gateway's own liveness route; "" turns it off so the upstream's route of that path is reachable. */
    healthPath: Type.String({ pattern: "^(/.*)?$", default: "/healthz" }),
    logLevel: Type.Union(
      ["fatal", "error", "warn", "info", "debug", "trace", "silent"].map((level) => Type.Literal(level)),
      { default: "info" },
    ),
    tlsCert: Type.Optional(Type.String({ minLength: 1 })),
    tlsKey: Type.Optional(Type.String({ minLength: 1 })),
    /** Listening on a non-loopback address without TLS must be asked for (keys would cross the network in clear). */
    allowInsecureBind: Type.Boolean({ default: false }),
  },
  { additionalProperties: false },
);

export type GatewayConfig = Static<typeof GatewayConfigSchema>;
export type GatewayRouteConfig = Static<typeof GatewayRouteSchema>;

/** Settings a command-line flag can give (they win over the file). */
export interface GatewayFlags {
  upstream?: string;
  api?: string;
  port?: string;
  host?: string;
  mode?: string;
  workspace?: string;
}
