// Contract: keys — create, get, list with filters and pages, update, revoke, scoping and soft-deleted APIs.
import { expect, it } from "vitest";
import { StoreConflictError, type KeyFilter } from "../../../src/storage/index.js";
import { at, collectPages, newId, newIdentity, newKey, newRole, seedTenant, T0, type ContractContext } from "../fixtures.js";

export function keyContract({ store }: ContractContext): void {
  it("round-trips every field of a key, with exact milliseconds and JSON", async () => {
    const tenant = await seedTenant(store());
    const identity = await store().identities.create(newIdentity(tenant));
    const role = await store().roles.create(newRole(tenant, { permissions: ["apis:read"] }));
    const input = newKey(tenant, {
      name: "ci key",
      environment: "test",
      identityId: identity.id,
      permissions: ["keys:create", "keys:read"],
      roleIds: [role.id],
      enabled: false,
      expiresAt: new Date(Date.UTC(2030, 5, 6, 7, 8, 9, 1)),
      restrictions: { ipAllowlist: ["10.0.0.0/8", "::1"], referrers: ["*.example.com"] },
      meta: { plan: "pro", nested: { list: [1, "two", null, true], empty: {} }, unicode: "é✓" },
      ratelimits: [{ name: "burst", limit: 10, durationMs: 1_000, autoApply: true }],
    });
    const created = await store().keys.create(input);
    const expected = {
      id: input.id,
      workspaceId: tenant.workspace.id,
      apiId: tenant.api.id,
      hash: input.hash,
      start: input.start,
      environment: "test",
      name: "ci key",
      identityId: identity.id,
      permissions: ["keys:create", "keys:read"],
      roleIds: [role.id],
      enabled: false,
      expiresAt: new Date(Date.UTC(2030, 5, 6, 7, 8, 9, 1)),
      restrictions: { ipAllowlist: ["10.0.0.0/8", "::1"], referrers: ["*.example.com"] },
      meta: { plan: "pro", nested: { list: [1, "two", null, true], empty: {} }, unicode: "é✓" },
      createdAt: T0,
      updatedAt: T0,
      lastUsedAt: null,
      verificationCount: 0,
      revokedAt: null,
      revokedReason: null,
      ratelimits: [{ name: "burst", limit: 10, durationMs: 1_000, autoApply: true }],
      credits: null,
    };
    expect(created).toEqual(expected);
    const read = await store().keys.get(tenant.workspace.id, input.id);
    expect(read).toEqual(expected);
    expect(read?.enabled).toBe(false);
    expect(read?.expiresAt?.getTime()).toBe(Date.UTC(2030, 5, 6, 7, 8, 9, 1));
  });

  it("keeps named rate limits in order, defaults them to none, and replaces them on update", async () => {
    const tenant = await seedTenant(store());
    const limits = [
      { name: "daily", limit: 5_000_000_000, durationMs: 86_400_000, autoApply: false },
      { name: "burst", limit: 10, durationMs: 1_000, autoApply: true },
    ];
    const key = await store().keys.create(newKey(tenant, { ratelimits: limits }));
    expect(key.ratelimits).toEqual(limits);
    expect((await store().keys.get(tenant.workspace.id, key.id))?.ratelimits).toEqual(limits);
    expect((await store().keys.findForVerification(key.hash))?.key.ratelimits).toEqual(limits);
    expect((await store().keys.create(newKey(tenant))).ratelimits).toEqual([]);

    const renamed = await store().keys.update(tenant.workspace.id, key.id, { name: "renamed" }, at(1));
    expect(renamed?.ratelimits).toEqual(limits);
    const replaced = await store().keys.update(tenant.workspace.id, key.id, { ratelimits: [limits[1]!] }, at(2));
    expect(replaced?.ratelimits).toEqual([limits[1]]);
    expect((await store().keys.findForVerification(key.hash))?.key.ratelimits).toEqual([limits[1]]);
    const cleared = await store().keys.update(tenant.workspace.id, key.id, { ratelimits: [] }, at(3));
    expect(cleared?.ratelimits).toEqual([]);
    expect((await store().keys.list(tenant.workspace.id, {}, { limit: 10 })).items.find((k) => k.id === key.id)?.ratelimits).toEqual([]);
  });

  it("refuses a second key with the same hash", async () => {
    const tenant = await seedTenant(store());
    const first = newKey(tenant);
    await store().keys.create(first);
    const again = store().keys.create(newKey(tenant, { hash: first.hash }));
    await expect(again).rejects.toBeInstanceOf(StoreConflictError);
    await expect(store().keys.create(newKey(tenant, { hash: first.hash }))).rejects.toMatchObject({ field: "hash" });
  });

  it("scopes keys to their workspace", async () => {
    const mine = await seedTenant(store());
    const theirs = await seedTenant(store());
    const key = await store().keys.create(newKey(mine));
    expect(await store().keys.get(theirs.workspace.id, key.id)).toBeNull();
    expect((await store().keys.list(theirs.workspace.id, {}, { limit: 100 })).items).toEqual([]);
    expect(await store().keys.update(theirs.workspace.id, key.id, { enabled: false }, at(1))).toBeNull();
    expect(await store().keys.revoke(theirs.workspace.id, key.id, "nope", at(1))).toBeNull();
    expect(await store().keys.get(mine.workspace.id, key.id)).toEqual(key);
  });

  it("lists keys by id across pages, filtered by API and by identity", async () => {
    const tenant = await seedTenant(store());
    const otherApi = await store().apis.create({ ...tenant.api, id: newId("api"), name: "other", now: T0 });
    const identity = await store().identities.create(newIdentity(tenant));
    const all: string[] = [];
    const ofOtherApi: string[] = [];
    const ofIdentity: string[] = [];
    for (let i = 0; i < 7; i += 1) {
      const onOther = i % 3 === 0;
      const owned = i % 2 === 0;
      const key = await store().keys.create(
        newKey(tenant, { apiId: onOther ? otherApi.id : tenant.api.id, identityId: owned ? identity.id : null, now: at(i) }),
      );
      all.push(key.id);
      if (onOther) ofOtherApi.push(key.id);
      if (owned) ofIdentity.push(key.id);
    }
    const ws = tenant.workspace.id;
    const everything = await collectPages((after) => store().keys.list(ws, {}, { limit: 3, after }), 3);
    expect(everything.ids).toEqual([...all].sort());
    expect(everything.pages).toBe(3);
    const byApi = await collectPages((after) => store().keys.list(ws, { apiId: otherApi.id }, { limit: 2, after }), 2);
    expect(byApi.ids).toEqual([...ofOtherApi].sort());
    const byIdentity = await collectPages((after) => store().keys.list(ws, { identityId: identity.id }, { limit: 2, after }), 2);
    expect(byIdentity.ids).toEqual([...ofIdentity].sort());
    const both = await store().keys.list(ws, { apiId: otherApi.id, identityId: identity.id }, { limit: 100 });
    expect(both.items.map((key) => key.id)).toEqual(ofOtherApi.filter((id) => ofIdentity.includes(id)).sort());
  });

  it("lists keys by the kind of their API, so customer listings never show root keys", async () => {
    const tenant = await seedTenant(store());
    const rootApi = await store().apis.create({ ...tenant.api, id: newId("api"), kind: "root", prefix: "kwroot", now: T0 });
    const customer = await store().keys.create(newKey(tenant));
    const root = await store().keys.create(newKey(tenant, { apiId: rootApi.id }));
    const ws = tenant.workspace.id;
    const ids = async (filter: KeyFilter) =>
      (await store().keys.list(ws, filter, { limit: 100 })).items.map((key) => key.id);
    expect(await ids({})).toEqual([customer.id, root.id].sort());
    expect(await ids({ kind: "customer" })).toEqual([customer.id]);
    expect(await ids({ kind: "root" })).toEqual([root.id]);
    expect(await ids({ kind: "customer", apiId: rootApi.id })).toEqual([]);
  });

  it("orders ids bytewise, whatever the database collation", async () => {
    const tenant = await seedTenant(store());
    // Same millisecond, so only the random part orders them; lower and upper case letters mix.
    const stem = newId("key").slice(0, "key_".length + 10);
    const ids = ["AAAAAAAAAAAa", "AAAAAAAAAAAB", "aAAAAAAAAAAA", "ZAAAAAAAAAAA"].map((tail) => stem + tail);
    for (const id of ids) await store().keys.create(newKey(tenant, { id }));
    const listed = await store().keys.list(tenant.workspace.id, {}, { limit: 2 });
    const sorted = [...ids].sort();
    expect(listed.items.map((key) => key.id)).toEqual(sorted.slice(0, 2));
    const rest = await store().keys.list(tenant.workspace.id, {}, { limit: 2, after: listed.nextCursor! });
    expect(rest.items.map((key) => key.id)).toEqual(sorted.slice(2));
  });

  it("updates only the fields in the patch, and replaces the role set", async () => {
    const tenant = await seedTenant(store());
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => store().roles.create(newRole(tenant))));
    const key = await store().keys.create(newKey(tenant, { roleIds: [a!.id, b!.id], meta: { v: 1 }, expiresAt: at(5000) }));
    expect([...key.roleIds].sort()).toEqual([a!.id, b!.id].sort());

    const renamed = await store().keys.update(tenant.workspace.id, key.id, { name: null, enabled: false }, at(10));
    expect(renamed).toEqual({ ...key, name: null, enabled: false, updatedAt: at(10) });

    const changed = await store().keys.update(
      tenant.workspace.id,
      key.id,
      { roleIds: [c!.id], meta: { v: 2 }, restrictions: { ipAllowlist: ["1.2.3.4"] }, expiresAt: null, permissions: ["x:read"] },
      at(20),
    );
    expect(changed).toEqual({
      ...renamed,
      roleIds: [c!.id],
      meta: { v: 2 },
      restrictions: { ipAllowlist: ["1.2.3.4"] },
      expiresAt: null,
      permissions: ["x:read"],
      updatedAt: at(20),
    });
    expect(await store().keys.get(tenant.workspace.id, key.id)).toEqual(changed);

    const cleared = await store().keys.update(tenant.workspace.id, key.id, { roleIds: [] }, at(30));
    expect(cleared?.roleIds).toEqual([]);
    expect(await store().keys.update(tenant.workspace.id, newId("key"), { name: "x" }, at(40))).toBeNull();
  });

  it("attaches only roles of the key's own workspace", async () => {
    const mine = await seedTenant(store());
    const theirs = await seedTenant(store());
    const ownRole = await store().roles.create(newRole(mine));
    const foreignRole = await store().roles.create(newRole(theirs, { permissions: ["admin:*"] }));
    const key = await store().keys.create(newKey(mine, { roleIds: [ownRole.id, foreignRole.id] }));
    expect(key.roleIds).toEqual([ownRole.id]);
    const updated = await store().keys.update(mine.workspace.id, key.id, { roleIds: [foreignRole.id] }, at(1));
    expect(updated?.roleIds).toEqual([]);
  });

  it("keeps the first revocation", async () => {
    const tenant = await seedTenant(store());
    const key = await store().keys.create(newKey(tenant));
    const revoked = await store().keys.revoke(tenant.workspace.id, key.id, "leaked", at(100));
    expect(revoked).toEqual({ ...key, revokedAt: at(100), revokedReason: "leaked", updatedAt: at(100) });
    const again = await store().keys.revoke(tenant.workspace.id, key.id, "second thoughts", at(200));
    expect(again).toEqual(revoked);
    expect(await store().keys.get(tenant.workspace.id, key.id)).toEqual(revoked);
    expect(await store().keys.revoke(tenant.workspace.id, newId("key"), null, at(300))).toBeNull();
  });

  it("hides the keys of a deleted API everywhere", async () => {
    const tenant = await seedTenant(store());
    const key = await store().keys.create(newKey(tenant));
    const other = await store().apis.create({ ...tenant.api, id: newId("api"), now: T0 });
    const survivor = await store().keys.create(newKey(tenant, { apiId: other.id }));
    await store().apis.delete(tenant.workspace.id, tenant.api.id, at(1));
    const ws = tenant.workspace.id;
    expect(await store().keys.get(ws, key.id)).toBeNull();
    expect((await store().keys.list(ws, {}, { limit: 100 })).items.map((k) => k.id)).toEqual([survivor.id]);
    expect((await store().keys.list(ws, { apiId: tenant.api.id }, { limit: 100 })).items).toEqual([]);
    expect(await store().keys.findForVerification(key.hash)).toBeNull();
    expect(await store().keys.update(ws, key.id, { enabled: false }, at(2))).toBeNull();
    expect(await store().keys.revoke(ws, key.id, null, at(2))).toBeNull();
  });
}
