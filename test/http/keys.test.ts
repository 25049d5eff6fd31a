// /v1/keys behaviour: the key is shown once and never again (nor its hash), secrets are not cached
// on the way, pagination walks everything exactly once, and externalId creates or reuses an owner.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashKey, parseKey } from "../../src/core/index.js";
import { createHarness, type Harness } from "../support/harness.js";
import { call, expectProblem, expectStatus, fixtures, listAll, type Fixtures } from "./fixtures.js";

let h: Harness;
let f: Fixtures;

beforeAll(async () => {
  h = await createHarness();
  f = fixtures(h);
});
afterAll(() => h?.close());

describe("the key is in the 201 answer only", () => {
  it("returns a well-formed key with its display start, marked no-store", async () => {
    const api = await f.api({ prefix: "shop" });
    const reply = await call(h, "POST", "/v1/keys", { apiId: api.id, name: "web", environment: "test" });
    expectStatus(reply, 201);
    expect(reply.headers["cache-control"]).toBe("no-store");
    const { key, start, id } = reply.json;
    expect(parseKey(key)).toMatchObject({ ok: true, prefix: "shop", environment: "test" });
    expect(key.startsWith(start)).toBe(true);
    expect(start.length).toBeLessThan(key.length - 20);
    expect(id).toMatch(/^key_[0-9A-Za-z]{22}$/);
    expect(reply.text).not.toContain(hashKey(key));
    expect(reply.json).not.toHaveProperty("hash");
  });

  it("never shows the key or its hash again: get, list, patch, revoke, verify", async () => {
    const created = await f.key({ permissions: ["docs:read"] });
    const hash = hashKey(created.key);
    const replies = [
      await call(h, "GET", `/v1/keys/${created.id}`),
      await call(h, "GET", "/v1/keys?limit=100"),
      await call(h, "GET", `/v1/keys?apiId=${created.apiId}`),
      await call(h, "PATCH", `/v1/keys/${created.id}`, { name: "renamed" }),
      await call(h, "POST", "/v1/keys/verify", { key: created.key }),
      await call(h, "POST", `/v1/keys/${created.id}/revoke`, { reason: "done" }),
    ];
    for (const reply of replies) {
      expect(reply.status).toBeLessThan(300);
      expect(reply.text).not.toContain(created.key);
      expect(reply.text).not.toContain(hash);
      expect(reply.text).not.toMatch(/"(hash|key|secret)"\s*:/);
    }
    expect(replies[0]!.json).toMatchObject({ id: created.id, start: created.start, name: created.name });
  });

  it("marks every answer carrying a secret no-store: keys, root keys, workspaces", async () => {
    const rootKey = await call(h, "POST", "/v1/root-keys", { name: "ci", permissions: ["keys:read"] });
    expectStatus(rootKey, 201);
    expect(rootKey.headers["cache-control"]).toBe("no-store");
    expect(parseKey(rootKey.json.key)).toMatchObject({ ok: true, prefix: "kwroot" });
    const workspace = await call(h, "POST", "/v1/workspaces", { name: "tenant" });
    expectStatus(workspace, 201);
    expect(workspace.headers["cache-control"]).toBe("no-store");
    expect(parseKey(workspace.json.rootKey.key)).toMatchObject({ ok: true, prefix: "kwroot" });
  });

  it("never lists root keys among customer keys, nor serves them by id", async () => {
    const rootKey = await f.rootKey(["keys:read"]);
    const all = await listAll(h, "/v1/keys");
    expect(all.map((key) => key.id)).not.toContain(rootKey.id);
    expect(all.every((key) => !key.start.startsWith("kwroot_"))).toBe(true);
    expectProblem(await call(h, "GET", `/v1/keys/${rootKey.id}`), 404, "KEY_NOT_FOUND");
    expectProblem(await call(h, "PATCH", `/v1/keys/${rootKey.id}`, { enabled: false }), 404, "KEY_NOT_FOUND");
    expect((await call(h, "GET", "/v1/workspaces/current", undefined, rootKey.key)).status).toBe(403);
  });
});

describe("pagination", () => {
  it("walks all keys of an API exactly once, in id order, via nextCursor", async () => {
    const api = await f.api();
    const ids: string[] = [];
    for (let i = 0; i < 23; i++) ids.push((await f.key({ apiId: api.id })).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const reply = await call(h, "GET", `/v1/keys?apiId=${api.id}&limit=5${cursor ? `&cursor=${cursor}` : ""}`);
      expectStatus(reply, 200);
      expect(reply.json.items.length).toBeLessThanOrEqual(5);
      seen.push(...reply.json.items.map((item: { id: string }) => item.id));
      cursor = reply.json.nextCursor;
      pages++;
    } while (cursor && pages < 20);
    // Exactly once each, in id order (ids are time-ordered to the millisecond; keys created within
    // one millisecond may list in either order).
    expect([...seen].sort()).toEqual([...ids].sort());
    expect(seen).toEqual([...seen].sort());
    expect(pages).toBe(5);
  });

  it("walks every list route exactly once with a small page size", async () => {
    for (let i = 0; i < 5; i++) {
      await f.identity();
      await f.role();
      await f.rootKey(["keys:read"]);
      await f.api();
    }
    for (const list of ["/v1/apis", "/v1/keys", "/v1/identities", "/v1/roles", "/v1/root-keys"]) {
      const small = (await listAll(h, list, h.rootKey, 2)).map((item) => item.id);
      const big = (await listAll(h, list, h.rootKey, 100)).map((item) => item.id);
      expect(new Set(small).size, list).toBe(small.length);
      expect(small, list).toEqual(big);
      expect(small.length, list).toBeGreaterThanOrEqual(5);
    }
  });

  it("answers an empty page with a null cursor for an API without keys", async () => {
    const api = await f.api();
    expect((await call(h, "GET", `/v1/keys?apiId=${api.id}`)).json).toEqual({ items: [], nextCursor: null });
  });
});

describe("owners by externalId", () => {
  it("creates the identity on first use and reuses it after", async () => {
    const api = await f.api();
    const first = await f.key({ apiId: api.id, externalId: "customer-42" });
    const identity = (await call(h, "GET", "/v1/identities/customer-42")).json;
    expect(identity).toMatchObject({ externalId: "customer-42", id: first.identityId });
    const second = await f.key({ apiId: api.id, externalId: "customer-42" });
    expect(second.identityId).toBe(identity.id);
    const owned = (await call(h, "GET", `/v1/keys?identityId=${identity.id}`)).json.items.map((key: { id: string }) => key.id);
    expect(owned.sort()).toEqual([first.id, second.id].sort());
    const identities = await listAll(h, "/v1/identities");
    expect(identities.filter((item) => item.externalId === "customer-42")).toHaveLength(1);
  });

  it("attaches, moves and detaches an owner with PATCH", async () => {
    const created = await f.key();
    const attach = await call(h, "PATCH", `/v1/keys/${created.id}`, { externalId: "owner-a" });
    const ownerA = (await call(h, "GET", "/v1/identities/owner-a")).json;
    expect(attach.json.identityId).toBe(ownerA.id);
    const ownerB = await f.identity();
    expect((await call(h, "PATCH", `/v1/keys/${created.id}`, { identityId: ownerB.id })).json.identityId).toBe(ownerB.id);
    expect((await call(h, "PATCH", `/v1/keys/${created.id}`, { identityId: null })).json.identityId).toBeNull();
    expect((await f.verify({ key: created.key })).identity).toBeNull();
  });

  it("keeps a key when its identity is deleted, without owner", async () => {
    const created = await f.key({ externalId: "leaving" });
    expectStatus(await call(h, "DELETE", "/v1/identities/leaving"), 200);
    expectProblem(await call(h, "GET", "/v1/identities/leaving"), 404, "IDENTITY_NOT_FOUND");
    expect((await call(h, "GET", `/v1/keys/${created.id}`)).json).toMatchObject({ id: created.id, identityId: null });
  });
});

describe("updates", () => {
  it("changes only the fields sent", async () => {
    const created = await f.key({ name: "orig", meta: { a: 1 }, permissions: ["docs:read"], restrictions: { referrers: ["example.com"] } });
    const updated = (await call(h, "PATCH", `/v1/keys/${created.id}`, { meta: { b: 2 } })).json;
    expect(updated).toMatchObject({ name: "orig", meta: { b: 2 }, permissions: ["docs:read"], restrictions: { referrers: ["example.com"] } });
    expect((await call(h, "PATCH", `/v1/keys/${created.id}`, { name: null })).json.name).toBeNull();
    expect((await call(h, "GET", `/v1/keys/${created.id}`)).json).toMatchObject({ name: null, meta: { b: 2 } });
  });
});
