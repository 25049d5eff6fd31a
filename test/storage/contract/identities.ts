// Contract: identities — unique externalId per workspace, scoping, paging, and deletion detaching keys.
import { expect, it } from "vitest";
import { StoreConflictError } from "../../../src/storage/index.js";
import { at, collectPages, newId, newIdentity, newKey, seedTenant, T0, type ContractContext } from "../fixtures.js";

export function identityContract({ store }: ContractContext): void {
  it("creates and reads an identity by id and by externalId", async () => {
    const tenant = await seedTenant(store());
    const input = newIdentity(tenant, { externalId: "cus_123", meta: { name: "Ada", tags: ["a", "b"] } });
    const created = await store().identities.create(input);
    expect(created).toEqual({
      id: input.id,
      workspaceId: tenant.workspace.id,
      externalId: "cus_123",
      meta: { name: "Ada", tags: ["a", "b"] },
      ratelimits: [],
      credits: null,
      createdAt: T0,
      updatedAt: T0,
    });
    expect(await store().identities.get(tenant.workspace.id, input.id)).toEqual(created);
    expect(await store().identities.getByExternalId(tenant.workspace.id, "cus_123")).toEqual(created);
    expect(await store().identities.getByExternalId(tenant.workspace.id, "cus_999")).toBeNull();
  });

  it("creates many identities at once and finds them by externalId in bulk, within the workspace only", async () => {
    const tenant = await seedTenant(store());
    const other = await seedTenant(store());
    await store().identities.create(newIdentity(other, { externalId: "bulk-3" }));
    const inputs = Array.from({ length: 1_203 }, (_, i) => newIdentity(tenant, { externalId: `bulk-${i}`, meta: { n: i } }));
    const created = await store().identities.createMany(inputs);
    expect(created).toHaveLength(1_203);
    expect(created[7]).toEqual(await store().identities.get(tenant.workspace.id, inputs[7]!.id));
    expect(created[1_202]).toMatchObject({ id: inputs[1_202]!.id, externalId: "bulk-1202", meta: { n: 1_202 }, credits: null, createdAt: T0 });

    const found = await store().identities.getManyByExternalId(tenant.workspace.id, [...inputs.map((input) => input.externalId), "absent"]);
    expect(found.map((identity) => identity.id).sort()).toEqual(inputs.map((input) => input.id).sort());
    expect(await store().identities.getManyByExternalId(tenant.workspace.id, [])).toEqual([]);
    const theirs = await store().identities.getManyByExternalId(other.workspace.id, ["bulk-3", "bulk-4"]);
    expect(theirs.map((identity) => identity.workspaceId)).toEqual([other.workspace.id]);
  });

  it("refuses a bulk create naming a taken externalId and, in a transaction, creates none of it", async () => {
    const tenant = await seedTenant(store());
    await store().identities.create(newIdentity(tenant, { externalId: "taken" }));
    const inputs = [newIdentity(tenant, { externalId: "fresh-a" }), newIdentity(tenant, { externalId: "taken" })];
    await expect(store().transaction((tx) => tx.identities.createMany(inputs))).rejects.toMatchObject({ name: "StoreConflictError", field: "externalId" });
    expect(await store().identities.getByExternalId(tenant.workspace.id, "fresh-a")).toBeNull();
  });

  it("refuses a taken externalId in the same workspace only", async () => {
    const tenant = await seedTenant(store());
    const other = await seedTenant(store());
    await store().identities.create(newIdentity(tenant, { externalId: "dup" }));
    const again = store().identities.create(newIdentity(tenant, { externalId: "dup" }));
    await expect(again).rejects.toBeInstanceOf(StoreConflictError);
    await expect(store().identities.create(newIdentity(tenant, { externalId: "dup" }))).rejects.toMatchObject({ field: "externalId" });
    await expect(store().identities.create(newIdentity(other, { externalId: "dup" }))).resolves.toMatchObject({ externalId: "dup" });

    const second = await store().identities.create(newIdentity(tenant, { externalId: "free" }));
    const update = store().identities.update(tenant.workspace.id, second.id, { externalId: "dup" }, at(1));
    await expect(update).rejects.toMatchObject({ name: "StoreConflictError", field: "externalId" });
    expect((await store().identities.get(tenant.workspace.id, second.id))?.externalId).toBe("free");
  });

  it("updates externalId and meta", async () => {
    const tenant = await seedTenant(store());
    const identity = await store().identities.create(newIdentity(tenant, { meta: { a: 1 } }));
    const moved = await store().identities.update(tenant.workspace.id, identity.id, { externalId: "new-ext" }, at(10));
    expect(moved).toEqual({ ...identity, externalId: "new-ext", updatedAt: at(10) });
    const remeta = await store().identities.update(tenant.workspace.id, identity.id, { meta: { b: [2] } }, at(20));
    expect(remeta).toEqual({ ...identity, externalId: "new-ext", meta: { b: [2] }, updatedAt: at(20) });
    expect(await store().identities.update(tenant.workspace.id, newId("id"), { meta: {} }, at(30))).toBeNull();
  });

  it("keeps the identity's shared rate limits and replaces them on update", async () => {
    const tenant = await seedTenant(store());
    const limits = [{ name: "requests", limit: 1_000, durationMs: 60_000, autoApply: true }];
    const identity = await store().identities.create(newIdentity(tenant, { externalId: "limited", ratelimits: limits }));
    expect(identity.ratelimits).toEqual(limits);
    expect((await store().identities.getByExternalId(tenant.workspace.id, "limited"))?.ratelimits).toEqual(limits);
    const key = await store().keys.create(newKey(tenant, { identityId: identity.id }));
    expect((await store().keys.findForVerification(key.hash))?.identity?.ratelimits).toEqual(limits);

    const moved = await store().identities.update(tenant.workspace.id, identity.id, { meta: { v: 2 } }, at(1));
    expect(moved?.ratelimits).toEqual(limits);
    const next = [...limits, { name: "tokens", limit: 50, durationMs: 1_000, autoApply: false }];
    const updated = await store().identities.update(tenant.workspace.id, identity.id, { ratelimits: next }, at(2));
    expect(updated).toEqual({ ...identity, meta: { v: 2 }, ratelimits: next, updatedAt: at(2) });
    expect((await store().identities.list(tenant.workspace.id, { limit: 10 })).items[0]?.ratelimits).toEqual(next);
    expect((await store().keys.findForVerification(key.hash))?.identity?.ratelimits).toEqual(next);
  });

  it("scopes identities to their workspace and pages them by id", async () => {
    const tenant = await seedTenant(store());
    const other = await seedTenant(store());
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) ids.push((await store().identities.create(newIdentity(tenant))).id);
    const foreign = await store().identities.create(newIdentity(other, { externalId: "x" }));
    const { ids: listed, pages } = await collectPages((after) => store().identities.list(tenant.workspace.id, { limit: 2, after }), 2);
    expect(listed).toEqual([...ids].sort());
    expect(pages).toBe(3);
    expect(await store().identities.get(tenant.workspace.id, foreign.id)).toBeNull();
    expect(await store().identities.getByExternalId(tenant.workspace.id, "x")).toBeNull();
    expect(await store().identities.update(tenant.workspace.id, foreign.id, { meta: { hijacked: true } }, at(1))).toBeNull();
    expect(await store().identities.delete(tenant.workspace.id, foreign.id)).toBe(false);
    expect(await store().identities.get(other.workspace.id, foreign.id)).toEqual(foreign);
  });

  it("deletes an identity and keeps its keys, detached", async () => {
    const tenant = await seedTenant(store());
    const identity = await store().identities.create(newIdentity(tenant));
    const key = await store().keys.create(newKey(tenant, { identityId: identity.id }));
    expect(await store().identities.delete(tenant.workspace.id, identity.id)).toBe(true);
    expect(await store().identities.get(tenant.workspace.id, identity.id)).toBeNull();
    expect(await store().identities.delete(tenant.workspace.id, identity.id)).toBe(false);
    const detached = await store().keys.get(tenant.workspace.id, key.id);
    expect(detached).toEqual({ ...key, identityId: null });
    expect((await store().keys.findForVerification(key.hash))?.identity).toBeNull();
    expect((await store().keys.list(tenant.workspace.id, { identityId: identity.id }, { limit: 10 })).items).toEqual([]);
  });
}
