// Contract: workspaces and APIs — creation, scoping, listing of customer APIs only, soft delete.
import { expect, it } from "vitest";
import { at, collectPages, newId, seedTenant, T0, type ContractContext } from "../fixtures.js";

export function workspaceAndApiContract({ store }: ContractContext): void {
  it("creates, gets and counts workspaces", async () => {
    const before = await store().workspaces.count();
    const id = newId("ws");
    const created = await store().workspaces.create({ id, name: "Acme", now: T0 });
    expect(created).toEqual({ id, name: "Acme", createdAt: T0 });
    expect(await store().workspaces.get(id)).toEqual({ id, name: "Acme", createdAt: T0 });
    expect(await store().workspaces.get(newId("ws"))).toBeNull();
    expect(await store().workspaces.count()).toBe(before + 1);
  });

  it("claims the install's bootstrap once", async () => {
    expect(await store().workspaces.claimInstall(T0)).toBe(true);
    expect(await store().workspaces.claimInstall(at(1))).toBe(false);
  });

  it("round-trips an API with its defaults and exact times", async () => {
    const { workspace, api } = await seedTenant(store());
    expect(api).toMatchObject({ workspaceId: workspace.id, kind: "customer", prefix: "acme", createdAt: T0, updatedAt: T0 });
    expect(api.defaults).toEqual({ environment: "live", expiresInSeconds: 3600 });
    expect(await store().apis.get(workspace.id, api.id)).toEqual(api);
  });

  it("does not find an API from another workspace", async () => {
    const mine = await seedTenant(store());
    const theirs = await seedTenant(store());
    expect(await store().apis.get(theirs.workspace.id, mine.api.id)).toBeNull();
    expect(await store().apis.update(theirs.workspace.id, mine.api.id, { name: "stolen" }, at(1))).toBeNull();
    expect(await store().apis.delete(theirs.workspace.id, mine.api.id, at(1))).toBe(false);
    expect((await store().apis.get(mine.workspace.id, mine.api.id))?.name).toBe(mine.api.name);
    const listed = await store().apis.list(theirs.workspace.id, { limit: 100 });
    expect(listed.items.map((api) => api.id)).toEqual([theirs.api.id]);
  });

  it("lists only customer APIs, by id across pages, and finds the root API apart", async () => {
    const { workspace, api: first } = await seedTenant(store());
    const root = await store().apis.create({
      id: newId("api"),
      workspaceId: workspace.id,
      kind: "root",
      name: "root",
      prefix: "kwroot",
      defaults: {},
      now: T0,
    });
    const more = [];
    for (let i = 0; i < 4; i += 1) {
      more.push(
        await store().apis.create({ id: newId("api"), workspaceId: workspace.id, kind: "customer", name: `api ${i}`, prefix: "acme", defaults: {}, now: T0 }),
      );
    }
    const expected = [first.id, ...more.map((api) => api.id)].sort();
    const { ids, pages } = await collectPages((after) => store().apis.list(workspace.id, { limit: 2, after }), 2);
    expect(ids).toEqual(expected);
    expect(pages).toBe(3);
    expect(await store().apis.getRootApi(workspace.id)).toEqual(root);
    expect(await store().apis.get(workspace.id, root.id)).toEqual(root);
    const exact = await store().apis.list(workspace.id, { limit: 5 });
    expect(exact.items).toHaveLength(5);
    expect(exact.nextCursor).toBeNull();
  });

  it("updates name and defaults, leaving other fields alone", async () => {
    const { workspace, api } = await seedTenant(store());
    const renamed = await store().apis.update(workspace.id, api.id, { name: "renamed" }, at(1000));
    expect(renamed).toEqual({ ...api, name: "renamed", updatedAt: at(1000) });
    const redefaulted = await store().apis.update(workspace.id, api.id, { defaults: { environment: "test" } }, at(2000));
    expect(redefaulted).toEqual({ ...api, name: "renamed", defaults: { environment: "test" }, updatedAt: at(2000) });
    expect(await store().apis.get(workspace.id, api.id)).toEqual(redefaulted);
    expect(await store().apis.update(workspace.id, newId("api"), { name: "x" }, at(3000))).toBeNull();
  });

  it("soft-deletes an API: no longer found, listed, updated or deleted again", async () => {
    const { workspace, api } = await seedTenant(store());
    expect(await store().apis.delete(workspace.id, api.id, at(1))).toBe(true);
    expect(await store().apis.get(workspace.id, api.id)).toBeNull();
    expect((await store().apis.list(workspace.id, { limit: 10 })).items).toEqual([]);
    expect(await store().apis.update(workspace.id, api.id, { name: "back" }, at(2))).toBeNull();
    expect(await store().apis.delete(workspace.id, api.id, at(3))).toBe(false);
  });

  it("has no root API until one is created", async () => {
    const { workspace } = await seedTenant(store());
    expect(await store().apis.getRootApi(workspace.id)).toBeNull();
  });
}
