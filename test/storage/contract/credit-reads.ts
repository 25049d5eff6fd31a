// Contract: credits as key and identity reads show them, and an identity's credits going with the identity.
import { expect, it } from "vitest";
import { at, newCredits, newIdentity, newKey, seedTenant, type ContractContext } from "../fixtures.js";

export function creditReadContract({ store }: ContractContext): void {
  it("shows a key's credits on every key read", async () => {
    const tenant = await seedTenant(store());
    const ws = tenant.workspace.id;
    const key = await store().keys.create(newKey(tenant));
    const without = await store().keys.create(newKey(tenant));
    expect(key.credits).toBeNull();
    const credits = await store().credits.set(newCredits(tenant, key.id, { remaining: 42, lowThreshold: 7 }));

    expect((await store().keys.get(ws, key.id))?.credits).toEqual(credits);
    const listed = (await store().keys.list(ws, {}, { limit: 10 })).items;
    expect(Object.fromEntries(listed.map((k) => [k.id, k.credits]))).toEqual({ [key.id]: credits, [without.id]: null });
    expect((await store().keys.findForVerification(key.hash))?.key.credits).toEqual(credits);
    expect((await store().keys.findForVerification(without.hash))?.key.credits).toBeNull();
    expect((await store().keys.update(ws, key.id, { name: "x" }, at(1)))?.credits).toEqual(credits);

    await store().credits.lease(key.id, 2);
    expect((await store().keys.revoke(ws, key.id, null, at(2)))?.credits).toEqual({ ...credits, remaining: 40 });
  });

  it("shows an identity's credits on identity reads and beside its keys at verification", async () => {
    const tenant = await seedTenant(store());
    const ws = tenant.workspace.id;
    const identity = await store().identities.create(newIdentity(tenant, { externalId: "payer" }));
    const other = await store().identities.create(newIdentity(tenant));
    const shared = await store().credits.set(newCredits(tenant, identity.id, { remaining: 500 }));
    const key = await store().keys.create(newKey(tenant, { identityId: identity.id }));
    const own = await store().credits.set(newCredits(tenant, key.id, { remaining: 5 }));

    expect((await store().identities.get(ws, identity.id))?.credits).toEqual(shared);
    expect((await store().identities.getByExternalId(ws, "payer"))?.credits).toEqual(shared);
    const listed = (await store().identities.list(ws, { limit: 10 })).items;
    expect(Object.fromEntries(listed.map((i) => [i.id, i.credits]))).toEqual({ [identity.id]: shared, [other.id]: null });
    expect((await store().identities.update(ws, identity.id, { meta: { a: 1 } }, at(1)))?.credits).toEqual(shared);

    const found = await store().keys.findForVerification(key.hash);
    expect(found?.key.credits).toEqual(own);
    expect(found?.identity?.credits).toEqual(shared);
  });

  it("removes an identity's credits with the identity, and keeps them when the deletion rolls back", async () => {
    const tenant = await seedTenant(store());
    const ws = tenant.workspace.id;
    const identity = await store().identities.create(newIdentity(tenant));
    const key = await store().keys.create(newKey(tenant, { identityId: identity.id }));
    const shared = await store().credits.set(newCredits(tenant, identity.id, { remaining: 30 }));
    const own = await store().credits.set(newCredits(tenant, key.id, { remaining: 3 }));

    const aborted = store().transaction(async (tx) => {
      expect(await tx.identities.delete(ws, identity.id)).toBe(true);
      expect(await tx.credits.get(ws, identity.id)).toBeNull();
      throw new Error("abort");
    });
    await expect(aborted).rejects.toThrow("abort");
    expect(await store().credits.get(ws, identity.id)).toEqual(shared);

    expect(await store().identities.delete(ws, identity.id)).toBe(true);
    expect(await store().credits.get(ws, identity.id)).toBeNull();
    expect(await store().credits.lease(identity.id, 1)).toEqual({ granted: 0, remaining: 0 });
    // The detached key keeps its own credits.
    expect((await store().keys.get(ws, key.id))?.credits).toEqual(own);
  });
}
