// Maps a request (method + normalised path) to what the gateway requires of its key: the first
// configured route that matches, else the default (a valid key, nothing more).
import { parsePermissionQuery, type PermissionQuery, type RequestedLimit } from "../core/index.js";
import type { GatewayRouteConfig } from "./gateway-config-schema.js";

export interface GatewayRoute {
  /** The pattern as configured, for logs. */
  pattern: string;
  /** Upper-case methods; null matches any. */
  methods: ReadonlySet<string> | null;
  regex: RegExp;
  permissions?: { text: string; query: PermissionQuery };
  ratelimits?: RequestedLimit[];
  cost?: number;
  public: boolean;
}

export const DEFAULT_ROUTE: GatewayRoute = { pattern: "(default)", methods: null, regex: /^/, public: false };

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * `/v1/documents/:id` → one segment per parameter; a last segment `*` → everything below (the prefix
 * itself included). A trailing slash is optional and letters match in any case, as Express and most
 * routers do by default: a stricter match here would let `/ADMIN/x` past an `/admin/*` rule.
 */
export function compilePattern(pattern: string): RegExp | string {
  const trimmed = pattern.length > 1 && pattern.endsWith("/") ? pattern.slice(0, -1) : pattern;
  const segments = trimmed.split("/").slice(1);
  let source = "";
  for (const [index, segment] of segments.entries()) {
    if (segment === "*") {
      if (index !== segments.length - 1) return "`*` may only be the last segment";
      return new RegExp(`^${source}(?:/.*)?$`, "i");
    }
    if (segment.startsWith(":")) {
      if (!/^:[A-Za-z_][A-Za-z0-9_]*$/.test(segment)) return `the parameter "${segment}" must be : and a name`;
      source += "/[^/]+";
      continue;
    }
    if (segment.includes("*")) return "`*` must be a whole segment";
    if (segment === "." || segment === ".." || (segment === "" && index < segments.length - 1)) return "the pattern must be a normalised path";
    source += `/${escapeRegex(segment)}`;
  }
  return new RegExp(`^${source}/?$`, "i");
}

/** Compiles one configured route; a string is the problem, naming the bad part. */
export function compileRoute(config: GatewayRouteConfig): GatewayRoute | { field: string; problem: string } {
  const regex = compilePattern(config.path);
  if (typeof regex === "string") return { field: "path", problem: regex };
  const listed = config.method === undefined ? null : Array.isArray(config.method) ? config.method : [config.method];
  // A GET rule also holds for HEAD: frameworks answer HEAD with the GET handler.
  const methods = listed ? new Set(listed.includes("GET") ? [...listed, "HEAD"] : listed) : null;
  const route: GatewayRoute = { pattern: config.path, methods, regex, public: config.public ?? false };
  if (config.permissions !== undefined) {
    const parsed = parsePermissionQuery(config.permissions);
    if (!parsed.ok) return { field: "permissions", problem: parsed.message };
    route.permissions = { text: config.permissions, query: parsed.query };
  }
  if (config.ratelimits) {
    // An ad hoc limit needs both numbers (the verify API refuses one alone).
    const half = config.ratelimits.findIndex((limit) => (limit.limit === undefined) !== (limit.durationMs === undefined));
    if (half >= 0) return { field: `ratelimits/${half}`, problem: "limit and durationMs go together" };
    route.ratelimits = config.ratelimits;
  }
  if (config.cost !== undefined) route.cost = config.cost;
  return route;
}

export function matchRoute(routes: readonly GatewayRoute[], method: string, path: string): GatewayRoute {
  for (const route of routes) {
    if (route.methods && !route.methods.has(method)) continue;
    if (route.regex.test(path)) return route;
  }
  return DEFAULT_ROUTE;
}
