// Contract: a leak's writes — revoke or disable a key, end a retired secret's grace — each guarded, so
// that a repeated or concurrent report changes nothing the second time and says so.
import { randomBytes } from "node:crypto";
import { expect, it } from "vitest";
import { generateKey } from "../../../src/core/index.js";
import { at, newKey, seedTenant, type ContractContext } from "../fixtures.js";

export function leakContract({ store }: ContractContext): void {
  it("revokes a live key once, with its reason, and reports the second call as no change", async () => {
    const tenant = await seedTenant(store());
    const input = newKey(tenant);
    await store().keys.create(input);
    const first = await store().keys.containLeak(tenant.workspace.id, input.id, "revoke", "leaked: https://example.com/a", at(1_000));
    expect(first).toMatchObject({ changed: true, key: { id: input.id, revokedAt: at(1_000), revokedReason: "leaked: https://example.com/a", updatedAt: at(1_000) } });
    const second = await store().keys.containLeak(tenant.workspace.id, input.id, "revoke", "leaked again", at(2_000));
    expect(second).toMatchObject({ changed: false, key: { revokedAt: at(1_000), revokedReason: "leaked: https://example.com/a" } });
    expect((await store().keys.findForVerification(input.hash))?.key.revokedAt).toEqual(at(1_000));
  });

  it("disables a live key once, and revokes a disabled one", async () => {
    const tenant = await seedTenant(store());
    const input = newKey(tenant);
    await store().keys.create(input);
    expect(await store().keys.containLeak(tenant.workspace.id, input.id, "disable", null, at(1_000))).toMatchObject({ changed: true, key: { enabled: false, revokedAt: null } });
    expect(await store().keys.containLeak(tenant.workspace.id, input.id, "disable", null, at(2_000))).toMatchObject({ changed: false, key: { updatedAt: at(1_000) } });
    expect(await store().keys.containLeak(tenant.workspace.id, input.id, "revoke", "leaked", at(3_000))).toMatchObject({ changed: true, key: { enabled: false, revokedAt: at(3_000) } });
    expect(await store().keys.containLeak(tenant.workspace.id, input.id, "disable", null, at(4_000))).toMatchObject({ changed: false, key: { revokedAt: at(3_000) } });
  });

  it("lets exactly one of several racing calls change the key", async () => {
    const tenant = await seedTenant(store());
    const input = newKey(tenant);
    await store().keys.create(input);
    const results = await Promise.all(
      [1, 2, 3, 4].map((i) => store().transaction((tx) => tx.keys.containLeak(tenant.workspace.id, input.id, "revoke", `report ${i}`, at(i)))),
    );
    expect(results.filter((result) => result?.changed)).toHaveLength(1);
  });

  it("finds nothing in another workspace, nor a key of a deleted API", async () => {
    const tenant = await seedTenant(store());
    const other = await seedTenant(store(), "other");
    const input = newKey(tenant);
    await store().keys.create(input);
    expect(await store().keys.containLeak(other.workspace.id, input.id, "revoke", null, at(1))).toBeNull();
    expect((await store().keys.get(tenant.workspace.id, input.id))?.revokedAt).toBeNull();
    await store().apis.delete(tenant.workspace.id, tenant.api.id, at(2));
    expect(await store().keys.containLeak(tenant.workspace.id, input.id, "revoke", null, at(3))).toBeNull();
  });

  it("ends a retired secret's grace now, once, and leaves the current secret and other retired ones alone", async () => {
    const tenant = await seedTenant(store());
    const other = await seedTenant(store(), "other");
    const input = newKey(tenant);
    await store().keys.create(input);
    const second = generateKey("acme", "live", randomBytes);
    const third = generateKey("acme", "live", randomBytes);
    await store().keys.rotate(tenant.workspace.id, input.id, second, at(60_000), at(0));
    await store().keys.rotate(tenant.workspace.id, input.id, third, at(60_000), at(1_000));

    expect(await store().keys.endGrace(other.workspace.id, input.hash, at(2_000))).toBe(false);
    expect(await store().keys.endGrace(tenant.workspace.id, input.hash, at(2_000))).toBe(true);
    expect(await store().keys.endGrace(tenant.workspace.id, input.hash, at(3_000))).toBe(false);
    expect((await store().keys.findForVerification(input.hash))?.graceEndsAt).toEqual(at(2_000));
    expect((await store().keys.findForVerification(second.hash))?.graceEndsAt).toEqual(at(60_000));
    expect((await store().keys.findForVerification(third.hash))?.graceEndsAt).toBeUndefined();
    expect(await store().keys.endGrace(tenant.workspace.id, third.hash, at(3_000))).toBe(false);
  });
}
