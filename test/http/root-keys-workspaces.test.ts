// Root keys and workspaces: no escalation, least privilege works, revocation bites at once, and a new
// workspace comes with a working root key that sees only its own, empty workspace.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashKey } from "../../src/core/index.js";
import { createHarness, type Harness } from "../support/harness.js";
import { call, expectProblem, expectStatus, fixtures, listAll, type Fixtures } from "./fixtures.js";

let h: Harness;
let f: Fixtures;

beforeAll(async () => {
  h = await createHarness();
  f = fixtures(h);
});
afterAll(() => h?.close());

describe("creating root keys", () => {
  it("refuses to hand out a permission the caller does not hold (PERMISSION_ESCALATION), creating nothing", async () => {
    const limited = await f.rootKey(["keys:*", "root_keys:create", "root_keys:read"]);
    const before = await listAll(h, "/v1/root-keys");
    for (const permissions of [["apis:read"], ["*"], ["keys:read", "workspaces:create"], ["root_keys:*"], ["keys.sub:read"], ["*:read"]]) {
      const reply = await call(h, "POST", "/v1/root-keys", { name: "too much", permissions }, limited.key);
      expectProblem(reply, 403, "PERMISSION_ESCALATION");
    }
    expect(await listAll(h, "/v1/root-keys")).toEqual(before);
    for (const permissions of [["keys:read"], ["keys:*"], ["keys:verify", "root_keys:create"]]) {
      expectStatus(await call(h, "POST", "/v1/root-keys", { name: "fine", permissions }, limited.key), 201);
    }
  });

  it("lists root keys with their start and permissions, never the secret or its hash", async () => {
    const created = await f.rootKey(["apis:read", "keys:verify"], "listed");
    const reply = await call(h, "GET", "/v1/root-keys?limit=100");
    const entry = reply.json.items.find((item: { id: string }) => item.id === created.id);
    expect(entry).toEqual({ id: created.id, start: created.start, name: "listed", permissions: ["apis:read", "keys:verify"], createdAt: created.createdAt, lastUsedAt: null, revokedAt: null });
    expect(reply.text).not.toContain(created.key);
    expect(reply.text).not.toContain(hashKey(created.key));
    expect(reply.text).not.toContain(h.rootKey);
  });

  it("records a root key's use on flush", async () => {
    const created = await f.rootKey(["apis:read"]);
    expectStatus(await call(h, "GET", "/v1/apis", undefined, created.key), 200);
    await h.ctx.usage.flush();
    const entry = (await listAll(h, "/v1/root-keys")).find((item) => item.id === created.id);
    expect(entry.lastUsedAt).not.toBeNull();
  });
});

describe("least privilege", () => {
  it("lets a root key holding only keys:verify verify keys, and nothing else", async () => {
    const customer = await f.key({ permissions: ["docs:read"] });
    const verifier = (await f.rootKey(["keys:verify"])).key;
    expect(await f.verify({ key: customer.key, permissions: "docs:read" }, verifier)).toMatchObject({ valid: true, code: "VALID", keyId: customer.id });
    const refused: Array<[string, string, unknown]> = [
      ["POST", "/v1/keys", { apiId: customer.apiId }],
      ["GET", "/v1/keys", undefined],
      ["GET", `/v1/keys/${customer.id}`, undefined],
      ["POST", `/v1/keys/${customer.id}/revoke`, {}],
      ["POST", "/v1/root-keys", { name: "x", permissions: ["keys:verify"] }],
      ["GET", "/v1/workspaces/current", undefined],
    ];
    for (const [method, url, body] of refused) expectProblem(await call(h, method, url, body, verifier), 403, "FORBIDDEN");
    expect(await f.verify({ key: customer.key })).toMatchObject({ code: "VALID" });
  });
});

describe("revoking root keys", () => {
  it("stops a revoked root key on its very next call, though it was just used (cached)", async () => {
    const victim = await f.rootKey(["apis:read", "keys:verify"]);
    expectStatus(await call(h, "GET", "/v1/apis", undefined, victim.key), 200);
    const revoked = await call(h, "POST", `/v1/root-keys/${victim.id}/revoke`, { reason: "left the company" });
    expectStatus(revoked, 200);
    expect(revoked.json.revokedAt).not.toBeNull();
    const reply = await call(h, "GET", "/v1/apis", undefined, victim.key);
    expectProblem(reply, 401, "UNAUTHORIZED");
    expect(reply.headers["www-authenticate"]).toMatch(/^Bearer/);
    expectProblem(await call(h, "POST", "/v1/keys/verify", { key: "x" }, victim.key), 401, "UNAUTHORIZED");
  });

  it("lets a root key revoke itself, after which it is refused", async () => {
    const self = await f.rootKey(["root_keys:revoke", "apis:read"]);
    expectStatus(await call(h, "POST", `/v1/root-keys/${self.id}/revoke`, {}, self.key), 200);
    expectProblem(await call(h, "GET", "/v1/apis", undefined, self.key), 401, "UNAUTHORIZED");
  });

  it("refuses to let a weaker root key revoke a stronger one, and changes nothing", async () => {
    const weak = await f.rootKey(["root_keys:revoke", "apis:read"]);
    const strong = await f.rootKey(["root_keys:*", "apis:*", "keys:*"]);
    const peer = await f.rootKey(["apis:read"]);
    expectProblem(await call(h, "POST", `/v1/root-keys/${strong.id}/revoke`, {}, weak.key), 403, "PERMISSION_ESCALATION");
    expectStatus(await call(h, "GET", "/v1/apis", undefined, strong.key), 200);
    // A key whose permissions the caller holds too can be revoked.
    expectStatus(await call(h, "POST", `/v1/root-keys/${peer.id}/revoke`, {}, weak.key), 200);
    expectProblem(await call(h, "GET", "/v1/apis", undefined, peer.key), 401, "UNAUTHORIZED");
  });

  it("does not revoke a customer key through the root-key route, nor a root key through the key route", async () => {
    const customer = await f.key();
    const root = await f.rootKey(["apis:read"]);
    expectProblem(await call(h, "POST", `/v1/root-keys/${customer.id}/revoke`, {}), 404, "ROOT_KEY_NOT_FOUND");
    expectProblem(await call(h, "POST", `/v1/keys/${root.id}/revoke`, {}), 404, "KEY_NOT_FOUND");
    expect(await f.verify({ key: customer.key })).toMatchObject({ code: "VALID" });
    expectStatus(await call(h, "GET", "/v1/apis", undefined, root.key), 200);
  });
});

describe("workspaces", () => {
  it("shows the install's default workspace as current", async () => {
    const reply = await call(h, "GET", "/v1/workspaces/current");
    expectStatus(reply, 200);
    expect(reply.json).toEqual({ id: expect.stringMatching(/^ws_[0-9A-Za-z]{22}$/), name: "default", createdAt: expect.any(String) });
  });

  it("creates a workspace whose root key works and sees an empty workspace of its own", async () => {
    await f.key({ externalId: "first-ws-customer" });
    await f.role();
    const reply = await call(h, "POST", "/v1/workspaces", { name: "acme corp" });
    expectStatus(reply, 201);
    const { workspace, rootKey } = reply.json;
    expect(workspace).toMatchObject({ id: expect.stringMatching(/^ws_/), name: "acme corp" });
    expect(rootKey).toMatchObject({ key: expect.stringMatching(/^kwroot_live_/), id: expect.stringMatching(/^key_/), revokedAt: null });
    expect(rootKey.permissions).not.toContain("*");
    expect(rootKey.permissions).not.toContain("workspaces:create");

    const current = await call(h, "GET", "/v1/workspaces/current", undefined, rootKey.key);
    expect(current.json).toEqual(workspace);
    expect(current.json.id).not.toBe((await call(h, "GET", "/v1/workspaces/current")).json.id);
    for (const list of ["/v1/apis", "/v1/keys", "/v1/identities", "/v1/roles"]) {
      expect(await listAll(h, list, rootKey.key), list).toEqual([]);
    }
    expect((await listAll(h, "/v1/root-keys", rootKey.key)).map((key) => key.id)).toEqual([rootKey.id]);

    // It can run its own workspace end to end.
    const g = fixtures(h, rootKey.key);
    const key = await g.key({ permissions: ["docs:read"] });
    expect(await g.verify({ key: key.key, permissions: "docs:read" })).toMatchObject({ code: "VALID" });
    expect(await f.verify({ key: key.key })).toMatchObject({ code: "NOT_FOUND" });
    expectProblem(await call(h, "POST", "/v1/workspaces", { name: "nested" }, rootKey.key), 403, "FORBIDDEN");
    expectProblem(await call(h, "POST", "/v1/root-keys", { name: "x", permissions: ["workspaces:create"] }, rootKey.key), 403, "PERMISSION_ESCALATION");
  });
});
