// Contract: roles (unique names, getMany, deletion detaching keys) and the permission catalogue.
import { expect, it } from "vitest";
import type { RoleRecord } from "../../../src/core/index.js";
import { StoreConflictError } from "../../../src/storage/index.js";
import { at, collectPages, newId, newKey, newRole, seedTenant, T0, type ContractContext } from "../fixtures.js";

export function roleAndPermissionContract({ store }: ContractContext): void {
  it("creates, reads and updates a role", async () => {
    const tenant = await seedTenant(store());
    const input = newRole(tenant, { name: "reader", description: "reads", permissions: ["docs:read", "docs.*:list"] });
    const created = await store().roles.create(input);
    expect(created).toEqual({
      id: input.id,
      workspaceId: tenant.workspace.id,
      name: "reader",
      description: "reads",
      permissions: ["docs:read", "docs.*:list"],
      createdAt: T0,
      updatedAt: T0,
    });
    expect(await store().roles.get(tenant.workspace.id, input.id)).toEqual(created);
    const updated = await store().roles.update(tenant.workspace.id, input.id, { description: null, permissions: ["docs:*"] }, at(5));
    expect(updated).toEqual({ ...created, description: null, permissions: ["docs:*"], updatedAt: at(5) });
    const renamed = await store().roles.update(tenant.workspace.id, input.id, { name: "viewer" }, at(6));
    expect(renamed).toEqual({ ...updated, name: "viewer", updatedAt: at(6) });
    expect(await store().roles.update(tenant.workspace.id, newId("role"), { name: "ghost" }, at(7))).toBeNull();
  });

  it("refuses a taken role name in the same workspace only", async () => {
    const tenant = await seedTenant(store());
    const other = await seedTenant(store());
    await store().roles.create(newRole(tenant, { name: "admin" }));
    await expect(store().roles.create(newRole(tenant, { name: "admin" }))).rejects.toBeInstanceOf(StoreConflictError);
    await expect(store().roles.create(newRole(tenant, { name: "admin" }))).rejects.toMatchObject({ field: "name" });
    await expect(store().roles.create(newRole(other, { name: "admin" }))).resolves.toMatchObject({ name: "admin" });
    const second = await store().roles.create(newRole(tenant, { name: "ops" }));
    await expect(store().roles.update(tenant.workspace.id, second.id, { name: "admin" }, at(1))).rejects.toMatchObject({ field: "name" });
    expect((await store().roles.get(tenant.workspace.id, second.id))?.name).toBe("ops");
  });

  it("gets many roles of the workspace only, and pages them", async () => {
    const tenant = await seedTenant(store());
    const other = await seedTenant(store());
    const roles: RoleRecord[] = [];
    for (let i = 0; i < 5; i += 1) roles.push(await store().roles.create(newRole(tenant)));
    const foreign = await store().roles.create(newRole(other));
    const wanted = [roles[3]!.id, roles[0]!.id, foreign.id, newId("role"), roles[0]!.id];
    const got = await store().roles.getMany(tenant.workspace.id, wanted);
    expect(got.map((role) => role.id).sort()).toEqual([roles[0]!.id, roles[3]!.id].sort());
    expect(got.find((role) => role.id === roles[3]!.id)).toEqual(roles[3]);
    expect(await store().roles.getMany(tenant.workspace.id, [])).toEqual([]);
    expect(await store().roles.get(tenant.workspace.id, foreign.id)).toBeNull();
    expect(await store().roles.delete(tenant.workspace.id, foreign.id)).toBe(false);
    const { ids, pages } = await collectPages((after) => store().roles.list(tenant.workspace.id, { limit: 2, after }), 2);
    expect(ids).toEqual(roles.map((role) => role.id).sort());
    expect(pages).toBe(3);
  });

  it("deletes a role and detaches it from every key", async () => {
    const tenant = await seedTenant(store());
    const doomed = await store().roles.create(newRole(tenant, { permissions: ["danger:*"] }));
    const kept = await store().roles.create(newRole(tenant));
    const one = await store().keys.create(newKey(tenant, { roleIds: [doomed.id, kept.id] }));
    const two = await store().keys.create(newKey(tenant, { roleIds: [doomed.id] }));
    expect(await store().roles.delete(tenant.workspace.id, doomed.id)).toBe(true);
    expect(await store().roles.get(tenant.workspace.id, doomed.id)).toBeNull();
    expect((await store().keys.get(tenant.workspace.id, one.id))?.roleIds).toEqual([kept.id]);
    expect((await store().keys.get(tenant.workspace.id, two.id))?.roleIds).toEqual([]);
    const found = await store().keys.findForVerification(two.hash);
    expect(found?.roles).toEqual([]);
    expect(await store().roles.delete(tenant.workspace.id, doomed.id)).toBe(false);
  });

  it("catalogues every permission used by keys and roles, per workspace, sorted and once", async () => {
    const tenant = await seedTenant(store());
    const other = await seedTenant(store());
    expect(await store().permissions.list(tenant.workspace.id)).toEqual([]);
    const role = await store().roles.create(newRole(tenant, { permissions: ["b:read", "a:write"] }));
    const key = await store().keys.create(newKey(tenant, { permissions: ["b:read", "C:admin", "c:admin"] }));
    await store().roles.create(newRole(other, { permissions: ["secret:other"] }));
    await store().keys.update(tenant.workspace.id, key.id, { permissions: ["d:delete"] }, at(1));
    await store().roles.update(tenant.workspace.id, role.id, { permissions: ["e:edit", "a:write"] }, at(2));
    // The catalogue remembers names once used; updates add, they never remove.
    expect(await store().permissions.list(tenant.workspace.id)).toEqual(["C:admin", "a:write", "b:read", "c:admin", "d:delete", "e:edit"]);
    expect(await store().permissions.list(other.workspace.id)).toEqual(["secret:other"]);
  });
}
