// Contract: credit balances managed through the API — set, configure, adjust, remove, workspace scoping.
import { expect, it } from "vitest";
import { StoreConflictError } from "../../../src/storage/index.js";
import { at, newCredits, newId, newKey, seedTenant, T0, type ContractContext } from "../fixtures.js";

export function creditContract({ store }: ContractContext): void {
  it("sets credits with exact 64-bit balances and refill rules, and reads them back", async () => {
    const tenant = await seedTenant(store());
    const key = await store().keys.create(newKey(tenant));
    const config = newCredits(tenant, key.id, {
      remaining: 3_000_000_000,
      refill: { amount: 3_000_000_000, interval: "monthly", day: 15 },
      lowThreshold: 2_500_000_000,
    });
    const set = await store().credits.set(config);
    expect(set).toEqual({
      ownerId: key.id,
      workspaceId: tenant.workspace.id,
      remaining: 3_000_000_000,
      refill: { amount: 3_000_000_000, interval: "monthly", day: 15 },
      refilledAt: T0,
      lowThreshold: 2_500_000_000,
      lowAt: null,
      updatedAt: T0,
    });
    expect(await store().credits.get(tenant.workspace.id, key.id)).toEqual(set);

    const everyHour = await store().credits.set({ ...config, refill: { amount: 5, interval: 3_600_000 }, now: at(1) });
    expect(everyHour.refill).toEqual({ amount: 5, interval: 3_600_000 });
    expect(await store().credits.get(tenant.workspace.id, newId("key"))).toBeNull();
  });

  it("replaces credits on a second set: new balance, refilledAt = now, lowAt cleared", async () => {
    const tenant = await seedTenant(store());
    const key = await store().keys.create(newKey(tenant));
    await store().credits.set(newCredits(tenant, key.id, { remaining: 5, lowThreshold: 10, refill: { amount: 10, interval: "daily" } }));
    expect(await store().credits.markLow(key.id, at(1))).toBe(true);
    expect((await store().credits.get(tenant.workspace.id, key.id))?.lowAt).toEqual(at(1));

    const replaced = await store().credits.set(newCredits(tenant, key.id, { remaining: 70, now: at(10) }));
    expect(replaced).toEqual({
      ownerId: key.id,
      workspaceId: tenant.workspace.id,
      remaining: 70,
      refill: null,
      refilledAt: at(10),
      lowThreshold: null,
      lowAt: null,
      updatedAt: at(10),
    });
    expect(await store().credits.get(tenant.workspace.id, key.id)).toEqual(replaced);
  });

  it("configures refill and threshold only, leaving the balance alone", async () => {
    const tenant = await seedTenant(store());
    const key = await store().keys.create(newKey(tenant));
    const set = await store().credits.set(newCredits(tenant, key.id, { remaining: 40, refill: { amount: 40, interval: "daily" } }));
    await store().credits.lease(key.id, 15);
    await store().credits.markLow(key.id, at(2));

    const threshold = await store().credits.configure(tenant.workspace.id, key.id, { lowThreshold: 30 }, at(5));
    expect(threshold).toEqual({ ...set, remaining: 25, lowThreshold: 30, lowAt: at(2), updatedAt: at(5) });
    const noRefill = await store().credits.configure(tenant.workspace.id, key.id, { refill: null }, at(6));
    expect(noRefill).toEqual({ ...threshold, refill: null, updatedAt: at(6) });
    const both = await store().credits.configure(
      tenant.workspace.id,
      key.id,
      { refill: { amount: 9, interval: "monthly" }, lowThreshold: null },
      at(7),
    );
    expect(both).toEqual({ ...noRefill, refill: { amount: 9, interval: "monthly" }, lowThreshold: null, updatedAt: at(7) });
    expect(await store().credits.get(tenant.workspace.id, key.id)).toEqual(both);
    expect(await store().credits.configure(tenant.workspace.id, newId("key"), { lowThreshold: 1 }, at(8))).toBeNull();
  });

  it("adjusts by a delta, floors at zero, and clears lowAt only above the threshold", async () => {
    const tenant = await seedTenant(store());
    const key = await store().keys.create(newKey(tenant));
    const ws = tenant.workspace.id;
    await store().credits.set(newCredits(tenant, key.id, { remaining: 40, lowThreshold: 50 }));
    expect(await store().credits.markLow(key.id, at(1))).toBe(true);

    const stillLow = await store().credits.adjust(ws, key.id, 10, at(2));
    expect(stillLow).toMatchObject({ remaining: 50, lowAt: at(1), updatedAt: at(2) });
    const aboveThreshold = await store().credits.adjust(ws, key.id, 1, at(3));
    expect(aboveThreshold).toMatchObject({ remaining: 51, lowAt: null, updatedAt: at(3) });
    // Cleared, so the next fall below the threshold is recorded again.
    expect(await store().credits.markLow(key.id, at(4))).toBe(true);

    const floored = await store().credits.adjust(ws, key.id, -1_000, at(5));
    expect(floored).toMatchObject({ remaining: 0, lowAt: at(4) });
    const big = await store().credits.adjust(ws, key.id, 4_000_000_000, at(6));
    expect(big).toMatchObject({ remaining: 4_000_000_000, lowAt: null });
    expect(await store().credits.get(ws, key.id)).toEqual(big);
    expect(await store().credits.adjust(ws, newId("key"), 5, at(7))).toBeNull();
  });

  it("removes credits, after which nothing can be leased", async () => {
    const tenant = await seedTenant(store());
    const key = await store().keys.create(newKey(tenant));
    await store().credits.set(newCredits(tenant, key.id));
    expect(await store().credits.remove(tenant.workspace.id, key.id)).toBe(true);
    expect(await store().credits.get(tenant.workspace.id, key.id)).toBeNull();
    expect((await store().keys.get(tenant.workspace.id, key.id))?.credits).toBeNull();
    expect(await store().credits.remove(tenant.workspace.id, key.id)).toBe(false);
    expect(await store().credits.lease(key.id, 1)).toEqual({ granted: 0, remaining: 0 });
  });

  it("scopes credits to their workspace", async () => {
    const mine = await seedTenant(store());
    const theirs = await seedTenant(store());
    const key = await store().keys.create(newKey(mine));
    const original = await store().credits.set(newCredits(mine, key.id, { remaining: 10, lowThreshold: 5 }));
    const ws = theirs.workspace.id;

    expect(await store().credits.get(ws, key.id)).toBeNull();
    expect(await store().credits.configure(ws, key.id, { lowThreshold: null }, at(1))).toBeNull();
    expect(await store().credits.adjust(ws, key.id, 1_000, at(1))).toBeNull();
    expect(await store().credits.remove(ws, key.id)).toBe(false);
    const hijack = store().credits.set(newCredits(theirs, key.id, { remaining: 1_000_000 }));
    await expect(hijack).rejects.toBeInstanceOf(StoreConflictError);
    await expect(store().credits.set(newCredits(theirs, key.id))).rejects.toMatchObject({ field: "ownerId" });
    expect(await store().credits.get(mine.workspace.id, key.id)).toEqual(original);
  });

  it("never attaches credits another workspace wrote for the same id", async () => {
    const mine = await seedTenant(store());
    const theirs = await seedTenant(store());
    const input = newKey(mine);
    // Written for an id before any key has it: the store cannot tell, the join must.
    await store().credits.set(newCredits(theirs, input.id, { remaining: 999 }));
    const key = await store().keys.create(input);
    expect(key.credits).toBeNull();
    expect((await store().keys.get(mine.workspace.id, key.id))?.credits).toBeNull();
    expect((await store().keys.findForVerification(key.hash))?.key.credits).toBeNull();
  });
}
