// Shared helpers of the HTTP suite: raw requests, problem assertions, fresh objects made through the
// API, and a snapshot of everything a workspace holds (to prove that a refused call changed nothing).
import { expect } from "vitest";
import type { Harness } from "../support/harness.js";

export interface Reply {
  status: number;
  json: any;
  text: string;
  headers: Record<string, unknown>;
}

export interface RawRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  payload?: string | Buffer;
}

/** inject() with exactly the given headers and payload (no defaults added). */
export async function send(h: Harness, request: RawRequest): Promise<Reply> {
  const response = await h.app.inject({
    method: request.method as "GET",
    url: request.url,
    headers: request.headers ?? {},
    ...(request.payload !== undefined ? { payload: request.payload } : {}),
  });
  let json: any = null;
  try {
    json = response.body ? JSON.parse(response.body) : null;
  } catch {
    json = null;
  }
  return { status: response.statusCode, json, text: response.body, headers: response.headers };
}

/** A request body sent as is (JSON.stringify would overflow on it, or it is not JSON at all). */
export class RawBody {
  constructor(readonly text: string) {}
}

/** A JSON call with `Authorization: Bearer <rootKey>`; null sends no Authorization header. */
export async function call(h: Harness, method: string, url: string, body?: unknown, rootKey: string | null = h.rootKey): Promise<Reply> {
  return send(h, {
    method,
    url,
    headers: {
      ...(rootKey !== null ? { authorization: `Bearer ${rootKey}` } : {}),
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
    },
    ...(body !== undefined ? { payload: body instanceof RawBody ? body.text : JSON.stringify(body) } : {}),
  });
}

/** An RFC 9457 problem with the given status and stable code. */
export function expectProblem(reply: Reply, status: number, code: string): void {
  expect({ status: reply.status, code: reply.json?.code }, reply.text.slice(0, 500)).toEqual({ status, code });
  expect(String(reply.headers["content-type"])).toMatch(/^application\/problem\+json/);
  expect(reply.json).toMatchObject({ status, code, type: expect.stringMatching(/^urn:keyward:problem:/), title: expect.any(String) });
}

export function expectStatus(reply: Reply, status: number): void {
  expect(reply.status, reply.text.slice(0, 500)).toBe(status);
}

let counter = 0;
/** Unique, prefix-safe suffix (lowercase letters and digits). */
export function unique(): string {
  counter += 1;
  return `${counter.toString(36)}${Math.floor(Math.random() * 36 ** 4).toString(36)}`;
}

/** Makes fresh objects through the API with a root key (default: the install root key). */
export function fixtures(h: Harness, rootKey: string = h.rootKey) {
  const create = async (url: string, body: unknown, status = 201) => {
    const reply = await call(h, "POST", url, body, rootKey);
    expectStatus(reply, status);
    return reply.json;
  };
  return {
    api: (body: Record<string, unknown> = {}) => create("/v1/apis", { name: `api ${unique()}`, prefix: `p${unique()}`.slice(0, 16), ...body }),
    /** A customer key; the answer carries the secret in `key`. */
    key: async (body: Record<string, unknown> = {}) => {
      const apiId = (body.apiId as string | undefined) ?? (await create("/v1/apis", { name: `api ${unique()}`, prefix: `k${unique()}`.slice(0, 16) })).id;
      return create("/v1/keys", { name: `key ${unique()}`, ...body, apiId });
    },
    identity: (body: Record<string, unknown> = {}) => create("/v1/identities", { externalId: `customer-${unique()}`, ...body }),
    role: (body: Record<string, unknown> = {}) => create("/v1/roles", { name: `role-${unique()}`, permissions: ["docs:read"], ...body }),
    /** A root key of this workspace; `key` is its secret. */
    rootKey: (permissions: string[], name = `root ${unique()}`) => create("/v1/root-keys", { name, permissions }),
    /** A rate limit override of the standalone limiter. */
    override: async (body: Record<string, unknown> = {}) => {
      const reply = await call(h, "PUT", "/v1/ratelimit/overrides", { namespace: "login", identifier: `user-${unique()}`, limit: 3, durationMs: 60_000, ...body }, rootKey);
      expectStatus(reply, 200);
      return reply.json as { namespace: string; identifier: string; limit: number; durationMs: number };
    },
    /** A webhook endpoint (a public IP literal: no DNS needed); the answer carries its `secret`. */
    webhook: (body: Record<string, unknown> = {}) => create("/v1/webhooks", { url: "https://93.184.215.14/keyward", events: ["key.created"], ...body }),
    /**
     * A failed delivery of a fresh endpoint: a key.created event while the endpoint was on, then the endpoint
     * turned off (which fails what is pending) and on again. `{ webhookId, deliveryId }`.
     */
    failedDelivery: async () => {
      const webhook = await create("/v1/webhooks", { url: "https://93.184.215.14/keyward", events: ["key.created"] });
      const api = await create("/v1/apis", { name: `api ${unique()}`, prefix: `d${unique()}`.slice(0, 16) });
      await create("/v1/keys", { apiId: api.id });
      for (const enabled of [false, true]) expectStatus(await call(h, "PATCH", `/v1/webhooks/${webhook.id}`, { enabled }, rootKey), 200);
      const deliveries = await call(h, "GET", `/v1/webhooks/${webhook.id}/deliveries`, undefined, rootKey);
      const failed = deliveries.json.items.find((delivery: { status: string }) => delivery.status === "failed");
      if (!failed) throw new Error("fixture: no failed delivery");
      return { webhookId: webhook.id as string, deliveryId: failed.id as string };
    },
    revoke: (keyId: string) => create(`/v1/keys/${keyId}/revoke`, { reason: "test" }, 200),
    revokeRootKey: (id: string) => create(`/v1/root-keys/${id}/revoke`, { reason: "test" }, 200),
    verify: async (body: Record<string, unknown>, verifier: string = rootKey) => {
      const reply = await call(h, "POST", "/v1/keys/verify", body, verifier);
      expectStatus(reply, 200);
      return reply.json as { valid: boolean; code: string; keyId: string | null; permissions: string[]; roles: string[]; [k: string]: unknown };
    },
  };
}

export type Fixtures = ReturnType<typeof fixtures>;

/** Every item of a list route, walking nextCursor with the given page size. */
export async function listAll(h: Harness, url: string, rootKey: string = h.rootKey, limit = 100): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 1000; pages++) {
    const sep = url.includes("?") ? "&" : "?";
    const reply = await call(h, "GET", `${url}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, undefined, rootKey);
    expectStatus(reply, 200);
    items.push(...reply.json.items);
    cursor = reply.json.nextCursor;
    if (!cursor) return items;
  }
  throw new Error(`${url} did not end`);
}

/** Everything the management API shows of a workspace, plus the number of workspaces. */
export async function snapshot(h: Harness, rootKey: string = h.rootKey) {
  const current = (await call(h, "GET", "/v1/workspaces/current", undefined, rootKey)).json;
  const overrides = async (namespace: string) => (await h.ctx.store.rateLimitOverrides.list(current.id, namespace, { limit: 100 })).items;
  return {
    workspaces: await h.ctx.store.workspaces.count(),
    current,
    overrides: [...(await overrides("matrix")), ...(await overrides("login"))],
    apis: await listAll(h, "/v1/apis", rootKey),
    keys: await listAll(h, "/v1/keys", rootKey),
    identities: await listAll(h, "/v1/identities", rootKey),
    roles: await listAll(h, "/v1/roles", rootKey),
    rootKeys: await listAll(h, "/v1/root-keys", rootKey),
    webhooks: await listAll(h, "/v1/webhooks", rootKey),
    // Every change writes an audit entry: a change the lists above do not show (a delivery sent again) shows here.
    latestAuditEntry: (await call(h, "GET", "/v1/audit?limit=1&order=desc", undefined, rootKey)).json.items[0]?.id ?? null,
  };
}

export type Snapshot = Awaited<ReturnType<typeof snapshot>>;

/** Every id of a snapshot (apis, keys, identities, roles, root keys, the workspace). */
export function idsOf(state: Snapshot): string[] {
  return [state.current.id, ...[state.apis, state.keys, state.identities, state.roles, state.rootKeys].flat().map((item: { id: string }) => item.id)];
}

/** A well-formed id of the given type that names nothing. */
export function unknownId(type: string): string {
  return `${type}_${"0".repeat(21)}1`;
}

/** The same key with one character of its body changed (the checksum no longer matches). */
export function mistype(key: string, at = key.length - 10): string {
  const char = key[at]!;
  return key.slice(0, at) + (char === "a" ? "b" : "a") + key.slice(at + 1);
}

/** Sends a call that must be refused with the given problem, and proves the workspace is unchanged. */
export async function expectRefused(h: Harness, method: string, url: string, body: unknown, status: number, code: string): Promise<Reply> {
  const before = await snapshot(h);
  const reply = await call(h, method, url, body);
  const shown = body instanceof RawBody ? body.text : JSON.stringify(body);
  expect(reply.status, `${method} ${url} ${shown?.slice(0, 200)}: ${reply.text.slice(0, 300)}`).toBe(status);
  expectProblem(reply, status, code);
  expect(await snapshot(h), `${method} ${url} changed the workspace`).toEqual(before);
  return reply;
}
