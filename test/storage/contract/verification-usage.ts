// Contract: the hot-path reads and writes — findForVerification and the recordUsage write-behind.
import { expect, it } from "vitest";
import { hashKey } from "../../../src/core/index.js";
import { at, newId, newIdentity, newKey, newRole, seedTenant, type ContractContext } from "../fixtures.js";

export function verificationAndUsageContract({ store }: ContractContext): void {
  it("finds a key by hash with its API, identity and roles", async () => {
    const tenant = await seedTenant(store());
    const identity = await store().identities.create(newIdentity(tenant, { meta: { tier: "gold" } }));
    const reader = await store().roles.create(newRole(tenant, { permissions: ["docs:read"] }));
    const writer = await store().roles.create(newRole(tenant, { permissions: ["docs:write", "docs.drafts:*"] }));
    const key = await store().keys.create(newKey(tenant, { identityId: identity.id, roleIds: [writer.id, reader.id], permissions: ["x:y"] }));

    const found = await store().keys.findForVerification(key.hash);
    expect(found).not.toBeNull();
    expect(found!.key).toEqual({ ...key, roleIds: [reader.id, writer.id].sort() });
    expect(found!.api).toEqual(tenant.api);
    expect(found!.identity).toEqual(identity);
    expect([...found!.roles].sort((a, b) => (a.id < b.id ? -1 : 1))).toEqual([reader, writer].sort((a, b) => (a.id < b.id ? -1 : 1)));
    expect(found!.roles.map((role) => role.id)).toEqual(found!.key.roleIds);
  });

  it("finds a key without identity or roles, and still finds revoked and disabled keys", async () => {
    const tenant = await seedTenant(store());
    const key = await store().keys.create(newKey(tenant, { enabled: false }));
    await store().keys.revoke(tenant.workspace.id, key.id, "rotated", at(5));
    const found = await store().keys.findForVerification(key.hash);
    expect(found?.identity).toBeNull();
    expect(found?.roles).toEqual([]);
    expect(found?.key.enabled).toBe(false);
    // Verification, not the store, turns these into REVOKED / DISABLED.
    expect(found?.key.revokedAt).toEqual(at(5));
  });

  it("returns null for an unknown hash", async () => {
    expect(await store().keys.findForVerification(hashKey(`nobody_live_${newId("req")}`))).toBeNull();
  });

  it("keeps lastUsedAt at the latest time seen and adds verification counts", async () => {
    const tenant = await seedTenant(store());
    const key = await store().keys.create(newKey(tenant));
    const other = await store().keys.create(newKey(tenant));
    const ws = tenant.workspace.id;

    await store().keys.recordUsage([{ keyId: key.id, lastUsedAt: at(1_000), verifications: 3 }]);
    let read = await store().keys.get(ws, key.id);
    expect(read?.lastUsedAt).toEqual(at(1_000));
    expect(read?.verificationCount).toBe(3);

    // An older flush arriving late must not move lastUsedAt back, but its count still adds.
    await store().keys.recordUsage([{ keyId: key.id, lastUsedAt: at(500), verifications: 2 }]);
    read = await store().keys.get(ws, key.id);
    expect(read?.lastUsedAt).toEqual(at(1_000));
    expect(read?.verificationCount).toBe(5);

    await store().keys.recordUsage([
      { keyId: key.id, lastUsedAt: at(2_001), verifications: 1 },
      { keyId: newId("key"), lastUsedAt: at(9_999), verifications: 100 },
      { keyId: other.id, lastUsedAt: at(1_500), verifications: 7 },
      { keyId: key.id, lastUsedAt: at(1_999), verifications: 4 },
    ]);
    read = await store().keys.get(ws, key.id);
    expect(read?.lastUsedAt).toEqual(at(2_001));
    expect(read?.verificationCount).toBe(10);
    expect(read?.updatedAt).toEqual(key.updatedAt);
    const otherRead = await store().keys.get(ws, other.id);
    expect(otherRead?.lastUsedAt?.getTime()).toBe(at(1_500).getTime());
    expect(otherRead?.verificationCount).toBe(7);

    await expect(store().keys.recordUsage([])).resolves.toBeUndefined();
  });

  it("ignores usage of unknown keys", async () => {
    await expect(store().keys.recordUsage([{ keyId: newId("key"), lastUsedAt: at(1), verifications: 1 }])).resolves.toBeUndefined();
  });
}
