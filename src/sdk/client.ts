// The typed management client: openapi-fetch over the generated paths, plus helpers that return the
// answer or throw a KeywardApiError. The root key lives in the transport's closure and is sent only
// in the Authorization header, never stored on the client object.
import createClient, { type Client } from "openapi-fetch";
import { KeywardApiError } from "./errors.js";
import type { paths } from "./generated/api.js";
import { createTransport, type Fetch } from "./transport.js";
import type { CreateKeyRequest, CreatedKey, Key, VerifyKeyRequest, VerifyKeyResult } from "./types.js";

export interface KeywardClientOptions {
  /** e.g. `http://127.0.0.1:8080` */
  baseUrl: string;
  /** A root key (`kwroot_…`) holding the permissions of the calls you make. */
  rootKey: string;
  /** Per attempt. Default 10 s. */
  timeoutMs?: number;
  /** Extra attempts for retryable calls (see README). Default 2. */
  retries?: number;
  /** A fetch of your own (an undici dispatcher, a test spy). Receives a Request. */
  fetch?: Fetch;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface KeywardClient extends Client<paths> {
  verifyKey(body: VerifyKeyRequest, options?: CallOptions): Promise<VerifyKeyResult>;
  /** Not retried unless `retry: true`: a retried create whose first attempt did arrive makes two keys. */
  createKey(body: CreateKeyRequest, options?: CallOptions & { retry?: boolean }): Promise<CreatedKey>;
  /** Idempotent (a second revoke keeps the first one's time and reason), so it is retried. */
  revokeKey(keyId: string, options?: CallOptions & { reason?: string }): Promise<Key>;
  getKey(keyId: string, options?: CallOptions): Promise<Key>;
}

/** The answer of a typed call, or the KeywardApiError its error status means. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw new KeywardApiError(response.status, error);
  return data as T;
}

export function createKeywardClient(options: KeywardClientOptions): KeywardClient {
  if (typeof options.rootKey !== "string" || options.rootKey.trim() === "") throw new TypeError("createKeywardClient: rootKey is required");
  const baseUrl = new URL(options.baseUrl);
  if (baseUrl.username || baseUrl.password) throw new TypeError("createKeywardClient: baseUrl must not carry credentials");
  const transportOptions = { rootKey: options.rootKey, timeoutMs: options.timeoutMs ?? 10_000, retries: options.retries ?? 2, ...(options.fetch ? { fetch: options.fetch } : {}) };
  const client = createClient<paths>({ baseUrl: baseUrl.href.replace(/\/+$/, ""), fetch: createTransport(transportOptions) });
  const alwaysRetry = createTransport(transportOptions, "always");
  const neverRetry = createTransport(transportOptions, "never");
  const signal = (o?: CallOptions) => (o?.signal ? { signal: o.signal } : {});

  return Object.assign(client, {
    verifyKey: (body: VerifyKeyRequest, o?: CallOptions) => unwrap(client.POST("/v1/keys/verify", { body, ...signal(o) })),
    createKey: (body: CreateKeyRequest, o?: CallOptions & { retry?: boolean }) =>
      unwrap(client.POST("/v1/keys", { body, fetch: o?.retry ? alwaysRetry : neverRetry, ...signal(o) })),
    revokeKey: (keyId: string, o?: CallOptions & { reason?: string }) =>
      unwrap(client.POST("/v1/keys/{keyId}/revoke", { params: { path: { keyId } }, body: o?.reason !== undefined ? { reason: o.reason } : {}, ...signal(o) })),
    getKey: (keyId: string, o?: CallOptions) => unwrap(client.GET("/v1/keys/{keyId}", { params: { path: { keyId } }, ...signal(o) })),
  });
}
