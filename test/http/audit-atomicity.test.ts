// An audit entry and its change commit or roll back together: a change that fails after its entry was
// written leaves neither, and an entry that cannot be written stops the change.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compilePermissionSet } from "../../src/core/index.js";
import { createApi, createKey, revokeKey, type ChangeActor, type ServiceContext } from "../../src/services/index.js";
import type { Store } from "../../src/storage/index.js";
import { createHarness, type Harness } from "../support/harness.js";
import { call } from "./fixtures.js";

let h: Harness;
let actor: ChangeActor;

beforeAll(async () => {
  h = await createHarness();
  const workspaceId = (await call(h, "GET", "/v1/workspaces/current")).json.id;
  const rootKeyId = (await call(h, "GET", "/v1/root-keys")).json.items[0].id;
  actor = { workspaceId, rootKeyId, permissions: compilePermissionSet(["*"]), request: { requestId: "r-1", sourceIp: "192.0.2.1", userAgent: "test" } };
});
afterAll(() => h?.close());

/** The harness's context, whose transactions hand out a store whose audit append is replaced. */
function withAppend(append: (real: Store["audit"]["append"], draft: Parameters<Store["audit"]["append"]>[0]) => Promise<never>): ServiceContext {
  const real = h.ctx.store;
  const store: Store = Object.create(real);
  store.transaction = (work) =>
    real.transaction((tx) => {
      const audit = Object.create(tx.audit) as Store["audit"];
      audit.append = (draft) => append((d) => tx.audit.append(d), draft);
      const wrapped: Store = Object.create(tx);
      Object.defineProperty(wrapped, "audit", { value: audit });
      return work(wrapped);
    });
  return { ...h.ctx, store };
}

const failAfterInsert = () =>
  withAppend(async (append, draft) => {
    await append(draft);
    throw new Error("failed after the audit insert");
  });
const failInsert = () =>
  withAppend(async () => {
    throw new Error("the audit log is unavailable");
  });

const head = async () => (await h.ctx.store.audit.head(actor.workspaceId))!;

describe("audit entry and change in one transaction", () => {
  it("leaves neither when the change fails after its entry was written", async () => {
    const before = await head();
    await expect(createApi(failAfterInsert(), actor, { name: "doomed", prefix: "doomed" })).rejects.toThrow("after the audit insert");
    expect((await call(h, "GET", "/v1/apis")).json.items.map((api: { name: string }) => api.name)).not.toContain("doomed");
    expect(await head()).toEqual(before);
    expect(await h.ctx.store.audit.scan(actor.workspaceId, before.seq, 10)).toEqual([]);
  });

  it("keeps a key unrevoked, and a new key and its new identity unwritten", async () => {
    const api = await createApi(h.ctx, actor, { name: "kept", prefix: "kept" });
    const key = await createKey(h.ctx, actor, { apiId: api.id });
    const before = await head();
    await expect(revokeKey(failAfterInsert(), actor, key.key.id, "no")).rejects.toThrow("after the audit insert");
    expect((await call(h, "GET", `/v1/keys/${key.key.id}`)).json.revokedAt).toBeNull();
    await expect(createKey(failAfterInsert(), actor, { apiId: api.id, externalId: "ghost" })).rejects.toThrow("after the audit insert");
    expect((await call(h, "GET", "/v1/identities/ghost")).status).toBe(404);
    expect(await head()).toEqual(before);
  });

  it("does not make a change whose entry cannot be written", async () => {
    const before = await head();
    await expect(createApi(failInsert(), actor, { name: "unlogged", prefix: "unlogged" })).rejects.toThrow("unavailable");
    expect((await call(h, "GET", "/v1/apis")).json.items.map((api: { name: string }) => api.name)).not.toContain("unlogged");
    expect(await head()).toEqual(before);
  });

  it("records the request the actor came with", async () => {
    const api = await createApi(h.ctx, actor, { name: "logged", prefix: "logged" });
    const [entry] = await h.ctx.store.audit.scan(actor.workspaceId, (await head()).seq - 1, 1);
    expect(entry).toMatchObject({ action: "api.create", target: { id: api.id }, requestId: "r-1", sourceIp: "192.0.2.1", userAgent: "test" });
  });
});
