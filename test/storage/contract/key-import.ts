// Contract: bulk import of keys (importMany, findHashOwners), the API's imported-keys mark, and audit
// appendMany sealing exactly the chain that single appends would.
import { createHash, randomBytes } from "node:crypto";
import { expect, it } from "vitest";
import { verifyStoredChain } from "../../../src/audit/index.js";
import { StoreConflictError } from "../../../src/storage/index.js";
import { at, newKey, newRole, seedTenant, type ContractContext } from "../fixtures.js";
import { newDraft } from "./audit-support.js";

const foreignHash = () => createHash("sha256").update(randomBytes(24).toString("base64url")).digest("hex");

export function keyImportContract({ store }: ContractContext): void {
  it("imports many keys at once with roles and permissions, marked imported, in input order", async () => {
    const tenant = await seedTenant(store());
    const role = await store().roles.create(newRole(tenant, { permissions: ["apis:read"] }));
    const keys = Array.from({ length: 950 }, (_, n) =>
      newKey(tenant, { hash: foreignHash(), start: "", name: `imported ${n}`, permissions: n % 2 ? ["docs:read"] : ["docs:write"], roleIds: n === 3 ? [role.id] : [], now: at(5) }),
    );
    const records = await store().keys.importMany(keys);
    expect(records.map((record) => record.id)).toEqual(keys.map((key) => key.id));
    expect(records[3]).toMatchObject({ roleIds: [role.id], importedAt: at(5), createdAt: at(5), start: "", name: "imported 3" });
    expect((await store().keys.get(tenant.workspace.id, keys[949]!.id))?.importedAt).toEqual(at(5));
    expect((await store().keys.findForVerification(keys[3]!.hash))?.roles.map((r) => r.id)).toEqual([role.id]);
    expect(await store().permissions.list(tenant.workspace.id)).toEqual(expect.arrayContaining(["docs:read", "docs:write"]));
    const issued = await store().keys.create(newKey(tenant));
    expect(issued.importedAt).toBeUndefined();
  });

  it("writes nothing when one hash is taken", async () => {
    const tenant = await seedTenant(store());
    const taken = await store().keys.create(newKey(tenant));
    const fresh = newKey(tenant, { hash: foreignHash() });
    await expect(store().keys.importMany([fresh, newKey(tenant, { hash: taken.hash })])).rejects.toBeInstanceOf(StoreConflictError);
    expect(await store().keys.get(tenant.workspace.id, fresh.id)).toBeNull();
  });

  it("finds the owners of current and rotated-away hashes across workspaces", async () => {
    const [a, b] = [await seedTenant(store()), await seedTenant(store())];
    const [mine, theirs] = [await store().keys.create(newKey(a)), await store().keys.create(newKey(b))];
    const next = { hash: foreignHash(), start: "" };
    await store().keys.rotate(b.workspace.id, theirs.id, next, at(60_000), at(1));
    const owners = await store().keys.findHashOwners([mine.hash, theirs.hash, foreignHash()]);
    expect(owners.sort((x, y) => x.keyId.localeCompare(y.keyId))).toEqual(
      [
        { hash: mine.hash, keyId: mine.id, workspaceId: a.workspace.id, apiId: a.api.id },
        { hash: theirs.hash, keyId: theirs.id, workspaceId: b.workspace.id, apiId: b.api.id },
      ].sort((x, y) => x.keyId.localeCompare(y.keyId)),
    );
    expect(await store().keys.findHashOwners([])).toEqual([]);
  });

  it("marks an API as holding imported keys once, and lists such live APIs of every workspace", async () => {
    const [a, b] = [await seedTenant(store()), await seedTenant(store())];
    expect(a.api.holdsImportedKeys).toBeUndefined();
    expect(await store().apis.markHoldsImportedKeys(a.workspace.id, a.api.id)).toBe(true);
    expect(await store().apis.markHoldsImportedKeys(a.workspace.id, a.api.id)).toBe(false);
    expect(await store().apis.markHoldsImportedKeys(a.workspace.id, b.api.id)).toBe(false);
    expect((await store().apis.get(a.workspace.id, a.api.id))?.holdsImportedKeys).toBe(true);
    const key = await store().keys.create(newKey(a));
    expect((await store().keys.findForVerification(key.hash))?.api.holdsImportedKeys).toBe(true);
    await store().apis.markHoldsImportedKeys(b.workspace.id, b.api.id);
    expect(await store().apis.listHoldingImportedKeys()).toEqual(
      expect.arrayContaining([
        { apiId: a.api.id, workspaceId: a.workspace.id },
        { apiId: b.api.id, workspaceId: b.workspace.id },
      ]),
    );
    await store().apis.delete(b.workspace.id, b.api.id, at(1));
    expect((await store().apis.listHoldingImportedKeys()).map((held) => held.apiId)).not.toContain(b.api.id);
  });

  it("appendMany seals the same chain as single appends, after and before them", async () => {
    const { workspace } = await seedTenant(store());
    const single = await store().audit.append(newDraft(workspace.id, 1));
    const drafts = Array.from({ length: 1200 }, (_, n) => newDraft(workspace.id, n + 2));
    const batch = await store().transaction((tx) => tx.audit.appendMany(drafts));
    expect(batch.map((entry) => entry.seq)).toEqual(drafts.map((_, n) => n + 2));
    expect(batch[0]!.prevHash).toBe(single.hash);
    const after = await store().audit.append(newDraft(workspace.id, 1202));
    expect(after).toMatchObject({ seq: 1202, prevHash: batch.at(-1)!.hash });
    expect(await store().audit.head(workspace.id)).toEqual({ workspaceId: workspace.id, seq: 1202, hash: after.hash });
    expect(await verifyStoredChain(store().audit, workspace.id)).toMatchObject({ valid: true, entries: 1202 });
    expect(await store().audit.appendMany([])).toEqual([]);
  });
}
