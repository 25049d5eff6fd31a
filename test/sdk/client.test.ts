// The typed management client against a real Keyward: typed calls, error mapping, retries, timeouts.
import { inspect } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { createKeywardClient, KeywardApiError, KeywardConnectionError, unwrap, type Key, type KeywardClient, type VerifyKeyResult } from "../../src/sdk/index.js";
import { startFlakyProxy, type FlakyProxy } from "./support/flaky-proxy.js";
import { deadUrl, startKeyward, type TestKeyward } from "./support/keyward-server.js";

let kw: TestKeyward;
const proxies: FlakyProxy[] = [];
const proxy = async (behaviour: Parameters<typeof startFlakyProxy>[1]) => {
  const started = await startFlakyProxy(kw.url, behaviour);
  proxies.push(started);
  return started;
};

beforeAll(async () => {
  kw = await startKeyward();
});
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});
afterAll(() => kw?.close());

describe("typed calls", () => {
  it("creates, reads, lists, verifies and revokes keys with typed answers", async () => {
    const client = createKeywardClient({ baseUrl: kw.url, rootKey: kw.rootKey });
    const created = await client.createKey({ apiId: kw.apiId, name: "typed", externalId: "acct_1", permissions: ["docs:read"] });
    expect(created.key).toMatch(/^sdkt_live_/);
    const read: Key = await client.getKey(created.id);
    expect(read).toMatchObject({ id: created.id, name: "typed", permissions: ["docs:read"], revokedAt: null });
    const { data: page } = await client.GET("/v1/keys", { params: { query: { apiId: kw.apiId, limit: 100 } } });
    expect(page?.items.map((key) => key.id)).toContain(created.id);
    const verified = await client.verifyKey({ key: created.key, permissions: "docs:read" });
    expect(verified).toMatchObject({ valid: true, code: "VALID", keyId: created.id, identity: { externalId: "acct_1" } });
    const revoked = await client.revokeKey(created.id, { reason: "done" });
    expect(revoked).toMatchObject({ revokedReason: "done", revokedAt: expect.any(String) });
    expect((await client.verifyKey({ key: created.key })).code).toBe("REVOKED");

    // The types come from the server's OpenAPI document (compile-time checks; tsc fails if they drift).
    expectTypeOf(verified.code).toEqualTypeOf<VerifyKeyResult["code"]>();
    expectTypeOf<VerifyKeyResult["code"]>().toEqualTypeOf<
      "VALID" | "MALFORMED" | "NOT_FOUND" | "REVOKED" | "DISABLED" | "EXPIRED" | "IP_NOT_ALLOWED" | "REFERRER_NOT_ALLOWED" | "INSUFFICIENT_PERMISSIONS" | "RATE_LIMITED" | "USAGE_EXCEEDED"
    >();
    // @ts-expect-error: no such route
    void client.GET("/v1/nope");
    // @ts-expect-error: apiId is required
    void client.POST("/v1/keys", { body: { name: "x" } }).catch(() => undefined);
  });

  it("unwrap returns the data of a typed call or throws the KeywardApiError", async () => {
    const client = createKeywardClient({ baseUrl: kw.url, rootKey: kw.rootKey });
    const api = await unwrap(client.GET("/v1/apis/{apiId}", { params: { path: { apiId: kw.apiId } } }));
    expect(api.id).toBe(kw.apiId);
    await expect(unwrap(client.GET("/v1/apis/{apiId}", { params: { path: { apiId: "api_missing" } } }))).rejects.toMatchObject({ status: 404, code: "API_NOT_FOUND" });
  });
});

describe("errors", () => {
  it("maps a problem to KeywardApiError with status, code, detail and request id", async () => {
    const client = createKeywardClient({ baseUrl: kw.url, rootKey: kw.rootKey });
    const error = await client.getKey("key_doesnotexist").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KeywardApiError);
    expect(error).toMatchObject({ status: 404, code: "KEY_NOT_FOUND", detail: expect.stringContaining("key_doesnotexist"), requestId: expect.any(String) });
    const invalid = await client.createKey({ apiId: kw.apiId, name: "" }).catch((caught: unknown) => caught);
    expect(invalid).toMatchObject({ status: 400, code: "VALIDATION_FAILED", errors: [expect.objectContaining({ pointer: expect.stringContaining("/body/name") })] });
  });

  it("never carries the root key: not in the message, the fields, nor an inspection of error or client", async () => {
    const wrong = "kwroot_live_thisIsNotARealRootKeyButLooksLikeOne1";
    const client = createKeywardClient({ baseUrl: kw.url, rootKey: wrong });
    const error = await client.getKey("key_x").catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 401 });
    for (const text of [inspect(error, { depth: 10, showHidden: true }), JSON.stringify(error), String(error), inspect(client, { depth: 5 })]) {
      expect(text).not.toContain(wrong);
    }
    const down = createKeywardClient({ baseUrl: await deadUrl(), rootKey: wrong, retries: 0 });
    const connection = await down.getKey("key_x").catch((caught: unknown) => caught);
    expect(inspect(connection, { depth: 10, showHidden: true })).not.toContain(wrong);
  });

  it("sends the root key only in the Authorization header", async () => {
    const flaky = await proxy({});
    const client = createKeywardClient({ baseUrl: flaky.url, rootKey: kw.rootKey });
    await client.createKey({ apiId: kw.apiId, name: "header check" });
    await client.GET("/v1/keys", { params: { query: { apiId: kw.apiId } } });
    expect(flaky.seen).toHaveLength(2);
    for (const request of flaky.seen) {
      expect(request.headers.authorization).toBe(`Bearer ${kw.rootKey}`);
      const { authorization: _, ...otherHeaders } = request.headers;
      expect(JSON.stringify([request.url, request.body, otherHeaders])).not.toContain(kw.rootKey);
    }
  });

  it("rejects a client without a root key before any request", () => {
    expect(() => createKeywardClient({ baseUrl: kw.url, rootKey: "" })).toThrow(/rootKey is required/);
    expect(() => createKeywardClient({ baseUrl: "http://user:pw@127.0.0.1:1", rootKey: "x" })).toThrow(/credentials/);
  });
});

describe("retries", () => {
  it("retries a 503 twice, then gets the answer (GET and POST verify)", async () => {
    const key = await kw.createKey();
    const calls = [
      async (client: KeywardClient) => (await client.getKey(key.id)).id,
      async (client: KeywardClient) => (await client.verifyKey({ key: key.key })).keyId,
    ];
    for (const call of calls) {
      const flaky = await proxy({ failures: 2 });
      const client = createKeywardClient({ baseUrl: flaky.url, rootKey: kw.rootKey, retries: 2 });
      await expect(call(client)).resolves.toBe(key.id);
      expect(flaky.seen).toHaveLength(3);
    }
  });

  it("gives up after the configured retries with the last 5xx as a KeywardApiError", async () => {
    const flaky = await proxy({ failures: 5 });
    const client = createKeywardClient({ baseUrl: flaky.url, rootKey: kw.rootKey, retries: 1 });
    await expect(client.verifyKey({ key: "sdkt_live_x" })).rejects.toMatchObject({ name: "KeywardApiError", status: 503, code: "UPSTREAM_DOWN" });
    expect(flaky.seen).toHaveLength(2);
  });

  it("does not retry a create unless asked: a second attempt could make a second key", async () => {
    const flaky = await proxy({ failures: 1 });
    const client = createKeywardClient({ baseUrl: flaky.url, rootKey: kw.rootKey, retries: 3 });
    await expect(client.createKey({ apiId: kw.apiId, name: "once" })).rejects.toMatchObject({ status: 503 });
    expect(flaky.seen).toHaveLength(1);
    const again = await proxy({ failures: 1 });
    const optedIn = createKeywardClient({ baseUrl: again.url, rootKey: kw.rootKey, retries: 3 });
    const created = await optedIn.createKey({ apiId: kw.apiId, name: "twice is fine" }, { retry: true });
    expect(created.name).toBe("twice is fine");
    expect(again.seen.map((request) => request.method)).toEqual(["POST", "POST"]);
    const patchProxy = await proxy({ failures: 1 });
    const patcher = createKeywardClient({ baseUrl: patchProxy.url, rootKey: kw.rootKey, retries: 3 });
    const { response } = await patcher.PATCH("/v1/keys/{keyId}", { params: { path: { keyId: created.id } }, body: { credits: { add: 5 } } });
    expect(response.status).toBe(503);
    expect(patchProxy.seen).toHaveLength(1);
  });

  it("times out an attempt that gets no answer, retries it, then throws KeywardConnectionError", async () => {
    const silent = await proxy({ hang: true });
    const client = createKeywardClient({ baseUrl: silent.url, rootKey: kw.rootKey, timeoutMs: 150, retries: 1 });
    const started = Date.now();
    const error = await client.verifyKey({ key: "sdkt_live_x" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KeywardConnectionError);
    expect(error).toMatchObject({ timedOut: true });
    expect(silent.seen).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("retries a refused connection and reports it as KeywardConnectionError", async () => {
    const client = createKeywardClient({ baseUrl: await deadUrl(), rootKey: kw.rootKey, retries: 1 });
    const error = await client.getKey("key_x").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KeywardConnectionError);
    expect(error).toMatchObject({ timedOut: false, message: expect.stringContaining("ECONNREFUSED") });
  });

  it("stops at once when the caller aborts, without retrying", async () => {
    const silent = await proxy({ hang: true });
    const client = createKeywardClient({ baseUrl: silent.url, rootKey: kw.rootKey, timeoutMs: 5_000, retries: 3 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("caller gave up")), 100);
    await expect(client.getKey("key_x", { signal: controller.signal })).rejects.toThrow("caller gave up");
    expect(silent.seen).toHaveLength(1);
  });
});
