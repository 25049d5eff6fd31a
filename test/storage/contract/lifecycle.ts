// Contract: opening a store — capabilities, migrations applied once, data kept across reopening.
import { expect, it } from "vitest";
import type { Store } from "../../../src/storage/index.js";
import { newKey, seedTenant, type ContractContext } from "../fixtures.js";

export function lifecycleContract({ store, database, adapter }: ContractContext): void {
  it("reports the adapter's capabilities", () => {
    expect(store().capabilities).toEqual(adapter.capabilities);
  });

  it("keeps its data when reopened, and does not migrate twice", async () => {
    const tenant = await seedTenant(store());
    const key = await store().keys.create(newKey(tenant, { meta: { kept: true } }));
    const migrations = await database().migrationCount();
    expect(migrations).toBeGreaterThan(0);

    const reopened = await database().open();
    try {
      expect(await reopened.keys.get(tenant.workspace.id, key.id)).toEqual(key);
      expect(await database().migrationCount()).toBe(migrations);
    } finally {
      await reopened.close();
    }
    // Closing the second store leaves the first one working.
    expect(await store().keys.findForVerification(key.hash)).toMatchObject({ key: { id: key.id } });
  });

  it.runIf(adapter.capabilities.sharedAcrossProcesses)("migrates a new database once when nodes start together", async () => {
    const fresh = adapter.newDatabase();
    const stores: Store[] = [];
    try {
      const opened = await Promise.allSettled([fresh.open(), fresh.open(), fresh.open()]);
      for (const result of opened) if (result.status === "fulfilled") stores.push(result.value);
      expect(opened.map((result) => result.status)).toEqual(["fulfilled", "fulfilled", "fulfilled"]);
      const migrations = await fresh.migrationCount();
      const again = await fresh.open();
      stores.push(again);
      expect(await fresh.migrationCount()).toBe(migrations);
      const tenant = await seedTenant(stores[0]!);
      expect(await stores[1]!.apis.get(tenant.workspace.id, tenant.api.id)).toEqual(tenant.api);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
      await fresh.cleanup();
    }
  });
}
