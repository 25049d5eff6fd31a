// Contract: the credit operations nodes run while serving — lease, give back, refill, mark low — alone and
// racing each other (from several stores on one database where the adapter is shared across processes).
import { expect, it } from "vitest";
import type { Store } from "../../../src/storage/index.js";
import { at, newCredits, newId, newKey, openNodes, seedTenant, type ContractContext, type Tenant } from "../fixtures.js";

const DAY = 86_400_000;

async function keyWithCredits(store: Store, tenant: Tenant, remaining: number, lowThreshold: number | null = null): Promise<string> {
  const key = await store.keys.create(newKey(tenant));
  await store.credits.set(newCredits(tenant, key.id, { remaining, lowThreshold }));
  return key.id;
}

export function creditLeaseContract(context: ContractContext): void {
  const { store } = context;

  it("leases min(want, remaining) and never goes below zero", async () => {
    const tenant = await seedTenant(store());
    const owner = await keyWithCredits(store(), tenant, 10);
    expect(await store().credits.lease(owner, 4)).toEqual({ granted: 4, remaining: 6 });
    expect(await store().credits.lease(owner, 10)).toEqual({ granted: 6, remaining: 0 });
    expect(await store().credits.lease(owner, 5)).toEqual({ granted: 0, remaining: 0 });
    expect((await store().credits.get(tenant.workspace.id, owner))?.remaining).toBe(0);
    expect(await store().credits.lease(newId("key"), 5)).toEqual({ granted: 0, remaining: 0 });
  });

  it("takes nothing for a lease of zero or less, and never adds through one", async () => {
    const tenant = await seedTenant(store());
    const owner = await keyWithCredits(store(), tenant, 10);
    expect(await store().credits.lease(owner, 0)).toEqual({ granted: 0, remaining: 10 });
    expect(await store().credits.lease(owner, -5)).toEqual({ granted: 0, remaining: 10 });
    await store().credits.giveBack(owner, -5);
    expect((await store().credits.get(tenant.workspace.id, owner))?.remaining).toBe(10);
  });

  it("takes back unspent credits", async () => {
    const tenant = await seedTenant(store());
    const owner = await keyWithCredits(store(), tenant, 10);
    expect(await store().credits.lease(owner, 8)).toEqual({ granted: 8, remaining: 2 });
    await store().credits.giveBack(owner, 5);
    expect((await store().credits.get(tenant.workspace.id, owner))?.remaining).toBe(7);
    expect(await store().credits.lease(owner, 7)).toEqual({ granted: 7, remaining: 0 });
    await expect(store().credits.giveBack(newId("key"), 5)).resolves.toBeUndefined();
  });

  it("grants exactly the balance to 200 concurrent leases from several nodes", async () => {
    const tenant = await seedTenant(store());
    const owner = await keyWithCredits(store(), tenant, 1_000);
    const { nodes, close } = await openNodes(context, 3);
    try {
      const leases = await Promise.all(Array.from({ length: 200 }, (_, i) => nodes[i % nodes.length]!.credits.lease(owner, 7)));
      const granted = leases.map((lease) => lease.granted);
      expect(granted.reduce((sum, n) => sum + n, 0)).toBe(1_000);
      // Full blocks while 7 were left, the last 6 to one caller, nothing after.
      expect(granted.filter((n) => n === 7)).toHaveLength(142);
      expect(granted.filter((n) => n === 6)).toHaveLength(1);
      expect(granted.filter((n) => n === 0)).toHaveLength(57);
      expect(leases.every((lease) => lease.remaining >= 0)).toBe(true);
      expect((await store().credits.get(tenant.workspace.id, owner))?.remaining).toBe(0);
    } finally {
      await close();
    }
  });

  it("loses nothing when leases and give-backs race", async () => {
    const tenant = await seedTenant(store());
    const owner = await keyWithCredits(store(), tenant, 500);
    const { nodes, close } = await openNodes(context, 3);
    try {
      const work = Array.from({ length: 150 }, (_, i) => {
        const node = nodes[i % nodes.length]!;
        return i % 3 === 2 ? node.credits.giveBack(owner, 2).then(() => 0) : node.credits.lease(owner, 9).then((lease) => lease.granted);
      });
      const granted = (await Promise.all(work)).reduce((sum, n) => sum + n, 0);
      expect(granted).toBeLessThanOrEqual(600);
      expect((await store().credits.get(tenant.workspace.id, owner))?.remaining).toBe(500 + 50 * 2 - granted);
    } finally {
      await close();
    }
  });

  it("refills once per boundary: exactly one of several racing nodes, again only for a later boundary", async () => {
    const tenant = await seedTenant(store());
    const owner = await keyWithCredits(store(), tenant, 5, 10);
    await store().credits.markLow(owner, at(1));
    const { nodes, close } = await openNodes(context, 3);
    try {
      const racing = await Promise.all(Array.from({ length: 9 }, (_, i) => nodes[i % nodes.length]!.credits.refill(owner, 100, at(DAY))));
      expect(racing.filter(Boolean)).toHaveLength(1);
    } finally {
      await close();
    }
    const refilled = await store().credits.get(tenant.workspace.id, owner);
    expect(refilled).toMatchObject({ remaining: 100, refilledAt: at(DAY), lowAt: null });

    await store().credits.lease(owner, 30);
    expect(await store().credits.refill(owner, 100, at(DAY))).toBe(false);
    expect(await store().credits.refill(owner, 100, at(DAY - 1))).toBe(false);
    expect((await store().credits.get(tenant.workspace.id, owner))?.remaining).toBe(70);

    expect(await store().credits.refill(owner, 80, at(2 * DAY))).toBe(true);
    expect(await store().credits.get(tenant.workspace.id, owner)).toMatchObject({ remaining: 80, refilledAt: at(2 * DAY) });
    expect(await store().credits.refill(newId("key"), 100, at(3 * DAY))).toBe(false);
  });

  it("does not refill for a boundary at or before the last set", async () => {
    const tenant = await seedTenant(store());
    const key = await store().keys.create(newKey(tenant));
    await store().credits.set(newCredits(tenant, key.id, { remaining: 3, now: at(DAY) }));
    expect(await store().credits.refill(key.id, 100, at(DAY))).toBe(false);
    expect(await store().credits.refill(key.id, 100, at(0))).toBe(false);
    expect((await store().credits.get(tenant.workspace.id, key.id))?.remaining).toBe(3);
  });

  it("records a low balance once, for one of several racing nodes", async () => {
    const tenant = await seedTenant(store());
    const owner = await keyWithCredits(store(), tenant, 3, 10);
    const { nodes, close } = await openNodes(context, 3);
    try {
      const racing = await Promise.all(nodes.flatMap((node, i) => [node.credits.markLow(owner, at(10 + i)), node.credits.markLow(owner, at(20 + i))]));
      expect(racing.filter(Boolean)).toHaveLength(1);
    } finally {
      await close();
    }
    const lowAt = (await store().credits.get(tenant.workspace.id, owner))?.lowAt;
    expect(lowAt).not.toBeNull();
    expect(await store().credits.markLow(owner, at(99))).toBe(false);
    expect((await store().credits.get(tenant.workspace.id, owner))?.lowAt).toEqual(lowAt);
    expect(await store().credits.markLow(newId("key"), at(1))).toBe(false);
  });
}
