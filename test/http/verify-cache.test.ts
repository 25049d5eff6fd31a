// The verify hot path: a known key is answered from memory (no store read, no store write), usage
// is written behind on flush, and every change through the API reaches the very next verification.
import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { generateKey } from "../../src/core/index.js";
import { createHarness, type Harness } from "../support/harness.js";
import { call, expectStatus, fixtures, type Fixtures } from "./fixtures.js";

let h: Harness;
let f: Fixtures;
let apiId: string;

beforeAll(async () => {
  h = await createHarness();
  f = fixtures(h);
  apiId = (await f.api()).id;
});
afterAll(() => h?.close());
afterEach(() => vi.restoreAllMocks());

const codeOf = async (body: Record<string, unknown>) => (await f.verify(body)).code;

describe("no database on the request path", () => {
  it("answers 100 verifications of a known key without reading or writing the store, then flushes usage", async () => {
    const created = await f.key({ apiId, permissions: ["docs:read"] });
    await h.ctx.usage.flush();
    expect(await codeOf({ key: created.key })).toBe("VALID"); // loads the key (and the root key) into the cache

    const reads = vi.spyOn(h.ctx.store.keys, "findForVerification");
    const writes = vi.spyOn(h.ctx.store.keys, "recordUsage");
    for (let i = 0; i < 100; i++) {
      expect(await codeOf({ key: created.key, permissions: "docs:read" })).toBe("VALID");
    }
    expect(reads).not.toHaveBeenCalled();
    expect(writes).not.toHaveBeenCalled();

    const before = (await call(h, "GET", `/v1/keys/${created.id}`)).json;
    expect(before).toMatchObject({ lastUsedAt: null, verificationCount: 0 });

    await h.ctx.usage.flush();
    expect(writes).toHaveBeenCalledTimes(1);
    const after = (await call(h, "GET", `/v1/keys/${created.id}`)).json;
    expect(after.verificationCount).toBe(101);
    expect(Date.parse(after.lastUsedAt)).toBeGreaterThanOrEqual(Date.parse(created.createdAt));
    expect(Date.parse(after.lastUsedAt)).toBeLessThanOrEqual(Date.now());
  });

  it("answers repeated verifications of an unknown key from a negative cache entry", async () => {
    const stranger = generateKey("stranger", "live", randomBytes).key;
    const reads = vi.spyOn(h.ctx.store.keys, "findForVerification");
    expect(await codeOf({ key: stranger })).toBe("NOT_FOUND");
    expect(reads).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 20; i++) expect(await codeOf({ key: stranger })).toBe("NOT_FOUND");
    expect(reads).toHaveBeenCalledTimes(1);
  });

  it("counts only valid verifications as usage", async () => {
    const created = await f.key({ apiId, permissions: ["docs:read"] });
    await h.ctx.usage.flush();
    expect(await codeOf({ key: created.key, permissions: "docs:write" })).toBe("INSUFFICIENT_PERMISSIONS");
    expect(await codeOf({ key: created.key })).toBe("VALID");
    await h.ctx.usage.flush();
    expect((await call(h, "GET", `/v1/keys/${created.id}`)).json.verificationCount).toBe(1);
  });
});

describe("changes reach the next verification", () => {
  it("sees PATCHed permissions, roles, enabled, expiry and restrictions at once", async () => {
    const role = await f.role({ permissions: ["billing:read"] });
    const created = await f.key({ apiId, permissions: ["docs:read"] });
    const patch = (body: unknown) => call(h, "PATCH", `/v1/keys/${created.id}`, body).then((reply) => expectStatus(reply, 200));
    const verify = (extra: Record<string, unknown> = {}) => codeOf({ key: created.key, ...extra });

    expect(await verify({ permissions: "docs:read" })).toBe("VALID"); // cached from here on
    await patch({ permissions: ["docs:write"] });
    expect(await verify({ permissions: "docs:read" })).toBe("INSUFFICIENT_PERMISSIONS");
    expect(await verify({ permissions: "docs:write" })).toBe("VALID");

    expect(await verify({ permissions: "billing:read" })).toBe("INSUFFICIENT_PERMISSIONS");
    await patch({ roles: [role.id] });
    expect(await verify({ permissions: "billing:read" })).toBe("VALID");
    await patch({ roles: [] });
    expect(await verify({ permissions: "billing:read" })).toBe("INSUFFICIENT_PERMISSIONS");

    await patch({ enabled: false });
    expect(await verify()).toBe("DISABLED");
    await patch({ enabled: true });
    expect(await verify()).toBe("VALID");

    await patch({ restrictions: { ipAllowlist: ["10.0.0.0/8"] } });
    expect(await verify({ ip: "192.0.2.1" })).toBe("IP_NOT_ALLOWED");
    await patch({ restrictions: {} });
    expect(await verify({ ip: "192.0.2.1" })).toBe("VALID");

    // Well inside the cache TTL (60 s): only the invalidation can make the change visible.
    const soon = new Date(Date.now() + 5_000);
    await patch({ expiresAt: soon.toISOString() });
    h.setNow(new Date(soon.getTime() + 1));
    try {
      expect(await verify()).toBe("EXPIRED");
    } finally {
      h.setNow(new Date());
    }
  });

  it("sees a role's new permissions on every key holding it, and its deletion", async () => {
    const role = await f.role({ permissions: ["docs:read"] });
    const keys = [await f.key({ apiId, roles: [role.id] }), await f.key({ apiId, roles: [role.name] })];
    for (const { key } of keys) expect(await codeOf({ key, permissions: "docs:read" })).toBe("VALID");
    expectStatus(await call(h, "PATCH", `/v1/roles/${role.id}`, { permissions: ["docs:write"] }), 200);
    for (const { key } of keys) {
      expect(await codeOf({ key, permissions: "docs:read" })).toBe("INSUFFICIENT_PERMISSIONS");
      expect(await codeOf({ key, permissions: "docs:write" })).toBe("VALID");
    }
    expectStatus(await call(h, "DELETE", `/v1/roles/${role.id}`), 200);
    for (const { key } of keys) {
      expect(await f.verify({ key, permissions: "docs:write" })).toMatchObject({ code: "INSUFFICIENT_PERMISSIONS", roles: [] });
    }
    expect((await call(h, "GET", `/v1/keys/${keys[0]!.id}`)).json.roles).toEqual([]);
  });

  it("sees an identity's change and deletion on its keys", async () => {
    const created = await f.key({ apiId, externalId: "cache-owner" });
    expect((await f.verify({ key: created.key })).identity).toMatchObject({ externalId: "cache-owner" });
    expectStatus(await call(h, "PATCH", "/v1/identities/cache-owner", { externalId: "cache-owner-2", meta: { tier: 2 } }), 200);
    expect((await f.verify({ key: created.key })).identity).toMatchObject({ externalId: "cache-owner-2", meta: { tier: 2 } });
    expectStatus(await call(h, "DELETE", "/v1/identities/cache-owner-2"), 200);
    expect(await f.verify({ key: created.key })).toMatchObject({ code: "VALID", identity: null });
  });

  it("makes every key of a deleted API NOT_FOUND at once", async () => {
    const doomed = await f.api();
    const keys = [await f.key({ apiId: doomed.id }), await f.key({ apiId: doomed.id })];
    for (const { key } of keys) expect(await codeOf({ key })).toBe("VALID");
    expectStatus(await call(h, "DELETE", `/v1/apis/${doomed.id}`), 200);
    for (const { key, id } of keys) {
      expect(await codeOf({ key })).toBe("NOT_FOUND");
      expect((await call(h, "GET", `/v1/keys/${id}`)).status).toBe(404);
    }
    expect((await call(h, "GET", `/v1/apis/${doomed.id}`)).status).toBe(404);
  });

  it("does not cache a store read that raced with a change", async () => {
    const created = await f.key({ apiId });
    let release!: () => void;
    let readDone!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const stale = new Promise<void>((resolve) => (readDone = resolve));
    const original = h.ctx.store.keys.findForVerification.bind(h.ctx.store.keys);
    // The read sees the key as it is now (enabled), but answers only after the PATCH below.
    vi.spyOn(h.ctx.store.keys, "findForVerification").mockImplementationOnce(async (hash) => {
      const found = await original(hash);
      readDone();
      await gate;
      return found;
    });
    const racing = f.verify({ key: created.key });
    await stale;
    expectStatus(await call(h, "PATCH", `/v1/keys/${created.id}`, { enabled: false }), 200);
    release();
    expect((await racing).code).toBe("VALID"); // answered from the read it started with
    expect(await codeOf({ key: created.key })).toBe("DISABLED"); // but that read was not cached
  });

  it("refuses a revoked key at once, and keeps the first revocation", async () => {
    const created = await f.key({ apiId });
    expect(await codeOf({ key: created.key })).toBe("VALID");
    const revoked = await call(h, "POST", `/v1/keys/${created.id}/revoke`, { reason: "leaked" });
    expect(revoked.json).toMatchObject({ revokedReason: "leaked", revokedAt: expect.any(String) });
    expect(await codeOf({ key: created.key })).toBe("REVOKED");
    const again = await call(h, "POST", `/v1/keys/${created.id}/revoke`);
    expect(again.json).toMatchObject({ revokedReason: "leaked", revokedAt: revoked.json.revokedAt });
    // Re-enabling does not bring a revoked key back.
    await call(h, "PATCH", `/v1/keys/${created.id}`, { enabled: true });
    expect(await codeOf({ key: created.key })).toBe("REVOKED");
  });
});
