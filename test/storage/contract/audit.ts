// Contract: the audit log — appends form one gapless hash chain per workspace, also under concurrency
// from several nodes; an append rolls back with its transaction; pages, filters and checkpoints.
import { generateKeyPairSync } from "node:crypto";
import { expect, it } from "vitest";
import { GENESIS_HASH, hashEntry, signCheckpoint, signingKeyId, verifyChain } from "../../../src/core/index.js";
import { verifyStoredChain } from "../../../src/audit/index.js";
import { at, newId, newRole, openNodes, seedTenant, type ContractContext } from "../fixtures.js";
import { appendMany, newDraft } from "./audit-support.js";

export function auditContract(context: ContractContext): void {
  const { store } = context;

  it("appends seq 1, 2, 3… linked by hash, and keeps every field as written", async () => {
    const { workspace } = await seedTenant(store());
    expect(await store().audit.head(workspace.id)).toBeNull();
    const entries = await appendMany(store(), workspace.id, 5);
    expect(entries.map((entry) => entry.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(entries[0]!.prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < 5; i++) expect(entries[i]!.prevHash).toBe(entries[i - 1]!.hash);
    for (const entry of entries) expect(hashEntry(entry)).toBe(entry.hash);
    expect(await store().audit.head(workspace.id)).toEqual({ workspaceId: workspace.id, seq: 5, hash: entries[4]!.hash });
    expect(await store().audit.scan(workspace.id, 0, 100)).toEqual(entries);
    const system = await store().audit.append(newDraft(workspace.id, 6, { actor: { type: "system" }, requestId: null, sourceIp: null, userAgent: null, before: null }));
    expect((await store().audit.scan(workspace.id, 5, 100))[0]).toEqual(system);
    expect(await verifyStoredChain(store().audit, workspace.id)).toMatchObject({ valid: true, entries: 6 });
  });

  it("keeps one chain per workspace", async () => {
    const a = await seedTenant(store());
    const b = await seedTenant(store());
    await appendMany(store(), a.workspace.id, 3);
    const [first] = await appendMany(store(), b.workspace.id, 1);
    expect(first).toMatchObject({ seq: 1, prevHash: GENESIS_HASH });
    expect((await store().audit.scan(a.workspace.id, 0, 100)).map((entry) => entry.workspaceId)).toEqual([a.workspace.id, a.workspace.id, a.workspace.id]);
  });

  it("gives 50 concurrent changes from several nodes seq 1..50, no gaps, one valid chain", async () => {
    const tenant = await seedTenant(store());
    const { workspace } = tenant;
    const { nodes, close } = await openNodes(context, 3);
    try {
      const changes = Array.from({ length: 50 }, (_, i) =>
        nodes[i % nodes.length]!.transaction(async (tx) => {
          const role = await tx.roles.create(newRole(tenant, { name: `concurrent-${i}` }));
          return tx.audit.append(newDraft(workspace.id, i + 1, { action: "role.create", target: { type: "role", id: role.id } }));
        }),
      );
      // Verifying while those changes land never takes appends in flight for tampering.
      const verdicts = nodes.map((node) => verifyStoredChain(node.audit, workspace.id));
      await Promise.all(changes);
      for (const verdict of await Promise.all(verdicts)) expect(verdict).toMatchObject({ valid: true });
    } finally {
      await close();
    }
    const entries = await store().audit.scan(workspace.id, 0, 100);
    expect(entries.map((entry) => entry.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(verifyChain(entries, { head: await store().audit.head(workspace.id) })).toMatchObject({ valid: true, entries: 50 });
    expect(new Set(entries.map((entry) => entry.target.id)).size).toBe(50);
  });

  it("rolls an append back with its transaction, leaving the head where it was", async () => {
    const { workspace } = await seedTenant(store());
    await appendMany(store(), workspace.id, 2);
    const head = await store().audit.head(workspace.id);
    const run = store().transaction(async (tx) => {
      await tx.audit.append(newDraft(workspace.id, 3));
      throw new Error("the change failed after its audit entry");
    });
    await expect(run).rejects.toThrow("after its audit entry");
    expect(await store().audit.head(workspace.id)).toEqual(head);
    expect(await store().audit.scan(workspace.id, 0, 100)).toHaveLength(2);
    expect((await store().transaction((tx) => tx.audit.append(newDraft(workspace.id, 4)))).seq).toBe(3);
  });

  it("lists newest or oldest first, filtered by target, actor, action and time, in pages", async () => {
    const { workspace } = await seedTenant(store());
    const entries = await appendMany(store(), workspace.id, 9);
    await store().audit.append(newDraft(workspace.id, 10, { actor: { type: "system" } }));
    const list = (filter: object, page: object = {}) => store().audit.list(workspace.id, filter, { limit: 100, order: "desc", ...page });
    expect((await list({})).items.map((entry) => entry.seq)).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect((await list({ targetId: "key_1" })).items.map((entry) => entry.seq)).toEqual([10, 7, 4, 1]);
    expect((await list({ action: "api.update" })).items.map((entry) => entry.seq)).toEqual([10, 8, 6, 4, 2]);
    expect((await list({ actor: "system" })).items.map((entry) => entry.seq)).toEqual([10]);
    expect((await list({ actor: "key_0000000000000000000001" })).items).toHaveLength(9);
    expect((await list({ since: at(8) })).items.map((entry) => entry.seq)).toEqual([10, 9, 8]);

    const first = await list({}, { limit: 4 });
    expect(first).toMatchObject({ nextCursor: "7" });
    expect((await list({}, { limit: 4, afterSeq: 7 })).items.map((entry) => entry.seq)).toEqual([6, 5, 4, 3]);
    const ascending = await list({ targetId: "key_1" }, { order: "asc", limit: 2 });
    expect(ascending).toMatchObject({ nextCursor: "4" });
    expect(ascending.items).toEqual([entries[0], entries[3]]);
    expect((await list({ targetId: "key_1" }, { order: "asc", limit: 2, afterSeq: 4 })).items.map((entry) => entry.seq)).toEqual([7, 10]);
  });

  it("stores signed checkpoints once per seq and names the heads that moved past theirs", async () => {
    const { workspace } = await seedTenant(store());
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    const key = { privateKey, publicKey, keyId: signingKeyId(publicKey) };
    await appendMany(store(), workspace.id, 3);
    const moved = async () => (await store().audit.headsWithoutCheckpoint()).filter((head) => head.workspaceId === workspace.id);
    const [head] = await moved();
    expect(head).toMatchObject({ seq: 3 });
    const checkpoint = signCheckpoint(head!, at(10), key);
    expect(await store().audit.addCheckpoint(checkpoint)).toBe(true);
    expect(await store().audit.addCheckpoint(signCheckpoint(head!, at(11), key))).toBe(false);
    expect(await moved()).toEqual([]);
    expect(await store().audit.checkpoints(workspace.id, 0, 10)).toEqual([checkpoint]);
    expect(await store().audit.checkpoints(workspace.id, 3, 10)).toEqual([]);
    await store().audit.append(newDraft(workspace.id, 4));
    expect(await moved()).toMatchObject([{ seq: 4 }]);
    expect(await verifyStoredChain(store().audit, workspace.id, { publicKey })).toMatchObject({ valid: true, checkpoints: { checked: 1 } });
    expect(await store().audit.checkpoints(newId("ws"), 0, 10)).toEqual([]);
  });
}
