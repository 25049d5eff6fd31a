// Every management route, once: its permission, a valid request on fresh objects of the first
// workspace, the success status, and what a root key of another workspace must get. Adding a route
// to Keyward means adding one line here (the route-coverage test fails until then).
import type { ManagementPermission } from "../../src/auth/index.js";
import type { ErrorCode } from "../../src/errors/index.js";
import type { Fixtures } from "./fixtures.js";

export interface RouteRequest {
  url: string;
  body?: unknown;
}

/** What a root key of another workspace gets for the same request. */
export type Foreign =
  /** The request addresses an object of the first workspace: not found, never 403, never the object. */
  | { notFound: ErrorCode }
  /** Answered from the caller's own workspace (lists, creates): nothing of the first workspace shows. */
  | { own: number }
  /** The other workspace's first root key does not hold this permission at all. */
  | { forbidden: true }
  /** Verification of the first workspace's key: 200 with code NOT_FOUND. */
  | { verify: "NOT_FOUND" };

export interface RouteCase {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** The route as Fastify registers it. */
  route: string;
  label?: string;
  permission: ManagementPermission;
  success: number;
  /** A request the route accepts, on objects made fresh for this case in the first workspace. */
  prepare(f: Fixtures): Promise<RouteRequest>;
  foreign: Foreign;
  /** The request the other workspace sends, when it differs from `prepare`'s. */
  foreignRequest?(f: Fixtures, prepared: RouteRequest): Promise<RouteRequest>;
}

const name = () => `renamed ${Math.random().toString(36).slice(2, 8)}`;

export const ROUTES: RouteCase[] = [
  // APIs
  { method: "POST", route: "/v1/apis", permission: "apis:create", success: 201, foreign: { own: 201 },
    prepare: async () => ({ url: "/v1/apis", body: { name: "matrix api", prefix: "matrix" } }) },
  { method: "GET", route: "/v1/apis", permission: "apis:read", success: 200, foreign: { own: 200 }, prepare: async () => ({ url: "/v1/apis" }) },
  { method: "GET", route: "/v1/apis/:apiId", permission: "apis:read", success: 200, foreign: { notFound: "API_NOT_FOUND" },
    prepare: async (f) => ({ url: `/v1/apis/${(await f.api()).id}` }) },
  { method: "PATCH", route: "/v1/apis/:apiId", permission: "apis:update", success: 200, foreign: { notFound: "API_NOT_FOUND" },
    prepare: async (f) => ({ url: `/v1/apis/${(await f.api()).id}`, body: { name: name() } }) },
  { method: "DELETE", route: "/v1/apis/:apiId", permission: "apis:delete", success: 200, foreign: { notFound: "API_NOT_FOUND" },
    prepare: async (f) => ({ url: `/v1/apis/${(await f.api()).id}` }) },

  // Keys
  { method: "POST", route: "/v1/keys", permission: "keys:create", success: 201, foreign: { notFound: "API_NOT_FOUND" },
    prepare: async (f) => ({ url: "/v1/keys", body: { apiId: (await f.api()).id, name: "matrix key" } }) },
  { method: "GET", route: "/v1/keys", permission: "keys:read", success: 200, foreign: { own: 200 }, prepare: async () => ({ url: "/v1/keys" }) },
  { method: "GET", route: "/v1/keys", label: "filtered by apiId", permission: "keys:read", success: 200, foreign: { notFound: "API_NOT_FOUND" },
    prepare: async (f) => ({ url: `/v1/keys?apiId=${(await f.key()).apiId}` }) },
  { method: "GET", route: "/v1/keys/:keyId", permission: "keys:read", success: 200, foreign: { notFound: "KEY_NOT_FOUND" },
    prepare: async (f) => ({ url: `/v1/keys/${(await f.key()).id}` }) },
  { method: "PATCH", route: "/v1/keys/:keyId", permission: "keys:update", success: 200, foreign: { notFound: "KEY_NOT_FOUND" },
    prepare: async (f) => ({ url: `/v1/keys/${(await f.key()).id}`, body: { enabled: false, permissions: ["docs:write"] } }) },
  { method: "POST", route: "/v1/keys/:keyId/revoke", permission: "keys:revoke", success: 200, foreign: { notFound: "KEY_NOT_FOUND" },
    prepare: async (f) => ({ url: `/v1/keys/${(await f.key()).id}/revoke`, body: { reason: "matrix" } }) },
  { method: "POST", route: "/v1/keys/import", permission: "keys:create", success: 200, foreign: { notFound: "API_NOT_FOUND" },
    prepare: async (f) => ({ url: "/v1/keys/import", body: { apiId: (await f.api()).id, rows: [{ key: `legacy-${Math.random().toString(36).slice(2)}-matrix-key`, name: "matrix" }] } }) },
  { method: "POST", route: "/v1/keys/verify", permission: "keys:verify", success: 200, foreign: { verify: "NOT_FOUND" },
    prepare: async (f) => ({ url: "/v1/keys/verify", body: { key: (await f.key()).key } }) },

  // Identities ({identity} is an id or an externalId)
  { method: "POST", route: "/v1/identities", permission: "identities:create", success: 201, foreign: { own: 201 },
    prepare: async () => ({ url: "/v1/identities", body: { externalId: `matrix-${Math.random()}` } }),
    // The same externalId as one of the first workspace: unique per workspace, so no 409 leaks its existence.
    foreignRequest: async (f) => ({ url: "/v1/identities", body: { externalId: (await f.identity()).externalId } }) },
  { method: "GET", route: "/v1/identities", permission: "identities:read", success: 200, foreign: { own: 200 }, prepare: async () => ({ url: "/v1/identities" }) },
  { method: "GET", route: "/v1/identities/:identity", permission: "identities:read", success: 200, foreign: { notFound: "IDENTITY_NOT_FOUND" },
    prepare: async (f) => ({ url: `/v1/identities/${(await f.identity()).id}` }) },
  { method: "GET", route: "/v1/identities/:identity", label: "by externalId", permission: "identities:read", success: 200,
    foreign: { notFound: "IDENTITY_NOT_FOUND" },
    prepare: async (f) => ({ url: `/v1/identities/${encodeURIComponent((await f.identity()).externalId)}` }) },
  { method: "PATCH", route: "/v1/identities/:identity", permission: "identities:update", success: 200, foreign: { notFound: "IDENTITY_NOT_FOUND" },
    prepare: async (f) => ({ url: `/v1/identities/${(await f.identity()).id}`, body: { meta: { plan: "gold" } } }) },
  { method: "DELETE", route: "/v1/identities/:identity", permission: "identities:delete", success: 200, foreign: { notFound: "IDENTITY_NOT_FOUND" },
    prepare: async (f) => ({ url: `/v1/identities/${encodeURIComponent((await f.identity()).externalId)}` }) },

  // Roles
  { method: "POST", route: "/v1/roles", permission: "roles:create", success: 201, foreign: { own: 201 },
    prepare: async () => ({ url: "/v1/roles", body: { name: `matrix-${Math.random()}`, permissions: ["docs:read"] } }),
    foreignRequest: async (f) => ({ url: "/v1/roles", body: { name: (await f.role()).name } }) },
  { method: "GET", route: "/v1/roles", permission: "roles:read", success: 200, foreign: { own: 200 }, prepare: async () => ({ url: "/v1/roles" }) },
  { method: "GET", route: "/v1/roles/:roleId", permission: "roles:read", success: 200, foreign: { notFound: "ROLE_NOT_FOUND" },
    prepare: async (f) => ({ url: `/v1/roles/${(await f.role()).id}` }) },
  { method: "PATCH", route: "/v1/roles/:roleId", permission: "roles:update", success: 200, foreign: { notFound: "ROLE_NOT_FOUND" },
    prepare: async (f) => ({ url: `/v1/roles/${(await f.role()).id}`, body: { permissions: ["docs:*"] } }) },
  { method: "DELETE", route: "/v1/roles/:roleId", permission: "roles:delete", success: 200, foreign: { notFound: "ROLE_NOT_FOUND" },
    prepare: async (f) => ({ url: `/v1/roles/${(await f.role()).id}` }) },

  // Root keys
  { method: "POST", route: "/v1/root-keys", permission: "root_keys:create", success: 201, foreign: { own: 201 },
    prepare: async () => ({ url: "/v1/root-keys", body: { name: "matrix root key", permissions: ["root_keys:create"] } }) },
  { method: "GET", route: "/v1/root-keys", permission: "root_keys:read", success: 200, foreign: { own: 200 }, prepare: async () => ({ url: "/v1/root-keys" }) },
  { method: "POST", route: "/v1/root-keys/:rootKeyId/revoke", permission: "root_keys:revoke", success: 200,
    foreign: { notFound: "ROOT_KEY_NOT_FOUND" },
    prepare: async (f) => ({ url: `/v1/root-keys/${(await f.rootKey(["root_keys:revoke"])).id}/revoke`, body: { reason: "matrix" } }) },

  // Workspaces
  { method: "POST", route: "/v1/workspaces", permission: "workspaces:create", success: 201, foreign: { forbidden: true },
    prepare: async () => ({ url: "/v1/workspaces", body: { name: "matrix workspace" } }) },
  { method: "GET", route: "/v1/workspaces/current", permission: "workspaces:read", success: 200, foreign: { own: 200 },
    prepare: async () => ({ url: "/v1/workspaces/current" }) },

  // Rotation
  { method: "POST", route: "/v1/keys/:keyId/rotate", permission: "keys:rotate", success: 200, foreign: { notFound: "KEY_NOT_FOUND" },
    prepare: async (f) => ({ url: `/v1/keys/${(await f.key()).id}/rotate`, body: { gracePeriodSeconds: 60 } }) },

  // Standalone limiter
  { method: "POST", route: "/v1/ratelimit", permission: "ratelimits:limit", success: 200, foreign: { own: 200 },
    prepare: async () => ({ url: "/v1/ratelimit", body: { namespace: "matrix", identifier: "user-1", limit: 100, durationMs: 60_000 } }) },
  { method: "PUT", route: "/v1/ratelimit/overrides", permission: "ratelimits:update", success: 200, foreign: { own: 200 },
    prepare: async () => ({ url: "/v1/ratelimit/overrides", body: { namespace: "matrix", identifier: "user-2", limit: 5, durationMs: 60_000 } }) },
  { method: "GET", route: "/v1/ratelimit/overrides", permission: "ratelimits:read", success: 200, foreign: { own: 200 },
    prepare: async (f) => ({ url: `/v1/ratelimit/overrides?namespace=${(await f.override()).namespace}` }) },
  { method: "DELETE", route: "/v1/ratelimit/overrides", permission: "ratelimits:update", success: 200, foreign: { notFound: "OVERRIDE_NOT_FOUND" },
    prepare: async (f) => {
      const override = await f.override();
      return { url: `/v1/ratelimit/overrides?namespace=${override.namespace}&identifier=${override.identifier}` };
    } },

  // Audit log (the other workspace reads its own log, in which nothing of the first one appears)
  { method: "GET", route: "/v1/audit", permission: "audit:read", success: 200, foreign: { own: 200 },
    prepare: async (f) => ({ url: `/v1/audit?target=${(await f.key()).id}&limit=10` }) },
  { method: "GET", route: "/v1/audit/verify", permission: "audit:read", success: 200, foreign: { own: 200 }, prepare: async () => ({ url: "/v1/audit/verify" }) },
  { method: "GET", route: "/v1/audit/checkpoints", permission: "audit:read", success: 200, foreign: { own: 200 },
    prepare: async () => ({ url: "/v1/audit/checkpoints" }) },

  // Webhooks
  { method: "POST", route: "/v1/webhooks", permission: "webhooks:create", success: 201, foreign: { own: 201 },
    prepare: async () => ({ url: "/v1/webhooks", body: { url: "https://93.184.215.14/matrix", events: ["key.created", "key.revoked"] } }) },
  { method: "GET", route: "/v1/webhooks", permission: "webhooks:read", success: 200, foreign: { own: 200 }, prepare: async () => ({ url: "/v1/webhooks" }) },
  { method: "GET", route: "/v1/webhooks/:webhookId", permission: "webhooks:read", success: 200, foreign: { notFound: "WEBHOOK_NOT_FOUND" },
    prepare: async (f) => ({ url: `/v1/webhooks/${(await f.webhook()).id}` }) },
  { method: "PATCH", route: "/v1/webhooks/:webhookId", permission: "webhooks:update", success: 200, foreign: { notFound: "WEBHOOK_NOT_FOUND" },
    prepare: async (f) => ({ url: `/v1/webhooks/${(await f.webhook()).id}`, body: { events: ["key.rotated"], enabled: false } }) },
  { method: "DELETE", route: "/v1/webhooks/:webhookId", permission: "webhooks:delete", success: 200, foreign: { notFound: "WEBHOOK_NOT_FOUND" },
    prepare: async (f) => ({ url: `/v1/webhooks/${(await f.webhook()).id}` }) },
  { method: "POST", route: "/v1/webhooks/:webhookId/rotate-secret", permission: "webhooks:update", success: 200, foreign: { notFound: "WEBHOOK_NOT_FOUND" },
    prepare: async (f) => ({ url: `/v1/webhooks/${(await f.webhook()).id}/rotate-secret`, body: { overlapSeconds: 60 } }) },
  { method: "GET", route: "/v1/webhooks/:webhookId/deliveries", permission: "webhooks:read", success: 200, foreign: { notFound: "WEBHOOK_NOT_FOUND" },
    prepare: async (f) => ({ url: `/v1/webhooks/${(await f.webhook()).id}/deliveries` }) },
  { method: "POST", route: "/v1/webhooks/:webhookId/deliveries/:deliveryId/retry", permission: "webhooks:update", success: 200, foreign: { notFound: "WEBHOOK_NOT_FOUND" },
    prepare: async (f) => {
      const { webhookId, deliveryId } = await f.failedDelivery();
      return { url: `/v1/webhooks/${webhookId}/deliveries/${deliveryId}/retry` };
    } },

  // Leak reports: a root key acts on its own workspace's keys only; the other workspace's report of the
  // first one's key is "unknown" to it and changes nothing.
  { method: "POST", route: "/v1/leaks", permission: "leaks:report", success: 200, foreign: { own: 200 },
    prepare: async (f) => ({ url: "/v1/leaks", body: { findings: [{ key: (await f.key()).key, source: { path: "matrix.env", line: 1 } }] } }) },
];

/** Routes that answer without a root key, on purpose. Everything else must be in ROUTES. */
export const PUBLIC_ROUTES = [
  "GET /healthz",
  "GET /readyz",
  "GET /metrics",
  "GET /openapi.json",
  // nginx auth_request: answers only about the key the caller itself presents (no root key), and
  // limits unknown-key attempts per client address (test/nginx/auth-route.test.ts).
  "GET /v1/auth",
  // GitHub's secret scanning partner program: authenticated by GitHub's ECDSA signature over the body,
  // not by a root key (test/leaks/github-report.test.ts).
  "POST /v1/leaks/github",
  // The docs UI (@fastify/swagger-ui) and its static files.
  /^GET \/docs(\/.*)?$/,
];

export const routeLabel = (row: RouteCase) => `${row.method} ${row.route}${row.label ? ` (${row.label})` : ""}`;
