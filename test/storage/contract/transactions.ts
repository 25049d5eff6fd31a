// Contract: transactions — all or nothing, nested calls join the open transaction.
import { expect, it } from "vitest";
import { at, newId, newIdentity, newKey, newRole, seedTenant, T0, type ContractContext } from "../fixtures.js";

export function transactionContract({ store }: ContractContext): void {
  it("writes nothing when the work throws", async () => {
    const count = await store().workspaces.count();
    const ids = { ws: newId("ws"), api: newId("api"), key: newId("key") };
    let hash = "";
    const run = store().transaction(async (tx) => {
      await tx.workspaces.create({ id: ids.ws, name: "doomed", now: T0 });
      const api = await tx.apis.create({ id: ids.api, workspaceId: ids.ws, kind: "customer", name: "a", prefix: "acme", defaults: {}, now: T0 });
      const tenant = { workspace: { id: ids.ws, name: "doomed", createdAt: T0 }, api };
      const identity = await tx.identities.create(newIdentity(tenant, { externalId: "doomed" }));
      const role = await tx.roles.create(newRole(tenant, { permissions: ["doomed:read"] }));
      const key = await tx.keys.create(newKey(tenant, { id: ids.key, identityId: identity.id, roleIds: [role.id], permissions: ["k:w"] }));
      hash = key.hash;
      // Inside, the transaction sees its own writes.
      expect((await tx.keys.findForVerification(key.hash))?.roles.map((r) => r.id)).toEqual([role.id]);
      throw new Error("boom");
    });
    await expect(run).rejects.toThrow("boom");
    expect(await store().workspaces.get(ids.ws)).toBeNull();
    expect(await store().workspaces.count()).toBe(count);
    expect(await store().apis.get(ids.ws, ids.api)).toBeNull();
    expect(await store().keys.findForVerification(hash)).toBeNull();
    expect(await store().identities.getByExternalId(ids.ws, "doomed")).toBeNull();
    expect(await store().permissions.list(ids.ws)).toEqual([]);
  });

  it("rolls back changes to existing records", async () => {
    const tenant = await seedTenant(store());
    const identity = await store().identities.create(newIdentity(tenant));
    const key = await store().keys.create(newKey(tenant, { identityId: identity.id }));
    const run = store().transaction(async (tx) => {
      await tx.apis.update(tenant.workspace.id, tenant.api.id, { name: "changed" }, at(1));
      await tx.keys.revoke(tenant.workspace.id, key.id, "oops", at(1));
      await tx.keys.recordUsage([{ keyId: key.id, lastUsedAt: at(2), verifications: 9 }]);
      await tx.identities.delete(tenant.workspace.id, identity.id);
      throw new Error("abort");
    });
    await expect(run).rejects.toThrow("abort");
    expect(await store().apis.get(tenant.workspace.id, tenant.api.id)).toEqual(tenant.api);
    expect(await store().keys.get(tenant.workspace.id, key.id)).toEqual(key);
    expect(await store().identities.get(tenant.workspace.id, identity.id)).toEqual(identity);
  });

  it("commits the work and returns its value", async () => {
    const tenant = await seedTenant(store());
    const result = await store().transaction(async (tx) => {
      const key = await tx.keys.create(newKey(tenant));
      return { id: key.id };
    });
    expect(await store().keys.get(tenant.workspace.id, result.id)).toMatchObject({ id: result.id });
  });

  it("runs a nested transaction inside the outer one", async () => {
    const tenant = await seedTenant(store());
    const inner = newKey(tenant);
    const outer = newKey(tenant);
    const run = store().transaction(async (tx) => {
      const nested = await tx.transaction(async (innerTx) => innerTx.keys.create(inner));
      expect(nested.id).toBe(inner.id);
      await tx.keys.create(outer);
      throw new Error("outer fails");
    });
    await expect(run).rejects.toThrow("outer fails");
    // The inner work was not committed on its own: the outer failure undid it.
    expect(await store().keys.get(tenant.workspace.id, inner.id)).toBeNull();
    expect(await store().keys.get(tenant.workspace.id, outer.id)).toBeNull();

    const committed = await store().transaction((tx) => tx.transaction((innerTx) => innerTx.keys.create(newKey(tenant))));
    expect(await store().keys.get(tenant.workspace.id, committed.id)).toEqual(committed);
  });
}
