// Contract: tampering with the audit tables directly (SQL through a connection of its own, as a
// database admin could) is detected by verification, and each kind of change is named.
import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { verifyStoredChain } from "../../../src/audit/index.js";
import { hashEntry, sealEntry, signCheckpoint, signingKeyId, type AuditEntry } from "../../../src/core/index.js";
import { toAuditRow } from "../../../src/storage/kysely/audit-rows.js";
import type { RawDatabase } from "../adapters.js";
import { seedTenant, type ContractContext } from "../fixtures.js";
import { appendInBatches, appendMany, auditTables, newDraft } from "./audit-support.js";

export function auditTamperingContract({ store, database }: ContractContext): void {
  let raw: RawDatabase;
  beforeAll(async () => {
    raw = await database().connect();
  });
  afterAll(async () => {
    await raw?.db.destroy();
  });

  /** A workspace with ten entries. */
  async function chain() {
    const { workspace } = await seedTenant(store());
    return { workspaceId: workspace.id, entries: await appendMany(store(), workspace.id, 10) };
  }
  const problems = async (workspaceId: string, options = {}) => {
    const verdict = await verifyStoredChain(store().audit, workspaceId, options);
    return verdict.valid ? [] : verdict.problems.map(({ kind, entryId, seq }) => ({ kind, entryId, seq }));
  };
  const forge = (workspaceId: string, after: AuditEntry, n: number) => sealEntry(newDraft(workspaceId, n, { action: "root_key.create" }), after);

  it("finds nothing wrong with an untouched chain", async () => {
    const { workspaceId } = await chain();
    expect(await problems(workspaceId)).toEqual([]);
  });

  it("names an entry edited in place, and one edited and re-hashed", async () => {
    const { workspaceId, entries } = await chain();
    await auditTables(raw).update().set({ after_view: '{"n":99}' }).where("id", "=", entries[4]!.id).execute();
    const e8 = entries[7]!;
    await auditTables(raw).update().set({ action: "key.revoke", hash: hashEntry({ ...e8, action: "key.revoke" }) }).where("id", "=", e8.id).execute();
    expect(await problems(workspaceId)).toEqual([
      { kind: "edited", entryId: entries[4]!.id, seq: 5 },
      { kind: "edited", entryId: e8.id, seq: 8 },
    ]);
  });

  it("verifies a chain of several pages, and still names an edit deep in it", async () => {
    const { workspace } = await seedTenant(store());
    const entries = await appendInBatches(store(), workspace.id, 2_100);
    expect(await verifyStoredChain(store().audit, workspace.id)).toMatchObject({ valid: true, entries: 2_100 });
    await auditTables(raw).update().set({ user_agent: "edited" }).where("id", "=", entries[2_050]!.id).execute();
    expect(await problems(workspace.id)).toEqual([{ kind: "edited", entryId: entries[2_050]!.id, seq: 2_051 }]);
  }, 120_000);

  it("names a deletion by the entry after the gap", async () => {
    const { workspaceId, entries } = await chain();
    await auditTables(raw).delete().where("id", "=", entries[4]!.id).execute();
    expect(await problems(workspaceId)).toEqual([{ kind: "deleted", entryId: entries[5]!.id, seq: 5 }]);
  });

  it("names an inserted entry, whether it renumbers the ones after it or is added past the head", async () => {
    const { workspaceId, entries } = await chain();
    const tables = auditTables(raw);
    await tables.shift(workspaceId, 4, 1);
    const forged = forge(workspaceId, entries[2]!, 4);
    await tables.insert().values(toAuditRow(raw.profile, forged)).execute();
    await tables.setHead(workspaceId, 11, entries[9]!.hash);
    expect(await problems(workspaceId)).toEqual([
      { kind: "inserted", entryId: forged.id, seq: 4 },
      ...entries.slice(3).map((entry) => ({ kind: "reordered", entryId: entry.id, seq: entry.seq + 1 })),
    ]);

    const other = await chain();
    const appended = forge(other.workspaceId, other.entries[9]!, 11);
    await tables.insert().values(toAuditRow(raw.profile, appended)).execute();
    expect(await problems(other.workspaceId)).toEqual([{ kind: "inserted", entryId: appended.id, seq: 11 }]);
  });

  it("names two swapped entries as reordered", async () => {
    const { workspaceId, entries } = await chain();
    await auditTables(raw).swap(workspaceId, 4, 5);
    expect(await problems(workspaceId)).toEqual([
      { kind: "reordered", entryId: entries[4]!.id, seq: 4 },
      { kind: "reordered", entryId: entries[3]!.id, seq: 5 },
    ]);
  });

  it("catches a tail cut off and recomputed, with a signed checkpoint (stored, or exported before)", async () => {
    const { workspaceId, entries } = await chain();
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    const checkpoint = signCheckpoint({ workspaceId, seq: 8, hash: entries[7]!.hash }, new Date(), { privateKey, publicKey, keyId: signingKeyId(publicKey) });
    await store().audit.addCheckpoint(checkpoint);

    const tables = auditTables(raw);
    await tables.delete().where("workspace_id", "=", workspaceId).where("seq", ">=", 6).execute();
    let last = entries[4]!;
    for (let n = 6; n <= 9; n++) {
      last = forge(workspaceId, last, n);
      await tables.insert().values(toAuditRow(raw.profile, last)).execute();
    }
    await tables.setHead(workspaceId, last.seq, last.hash);

    // The chain alone is consistent again: only the checkpoint can tell.
    expect(await problems(workspaceId)).toEqual([]);
    const rewritten = (await store().audit.scan(workspaceId, 7, 1))[0]!;
    expect(await problems(workspaceId, { publicKey })).toEqual([{ kind: "truncated", entryId: rewritten.id, seq: 8 }]);

    // An admin who also deletes the checkpoint rows still meets the exported copy.
    await raw.db.deleteFrom("audit_checkpoints").where("workspace_id", "=", workspaceId).execute();
    expect(await problems(workspaceId, { publicKey })).toEqual([]);
    expect(await problems(workspaceId, { publicKey, extraCheckpoints: [checkpoint] })).toEqual([{ kind: "truncated", entryId: rewritten.id, seq: 8 }]);
  });

  it("names a tail cut off without a new head as truncated", async () => {
    const { workspaceId, entries } = await chain();
    await auditTables(raw).delete().where("workspace_id", "=", workspaceId).where("seq", ">", 7).execute();
    expect(await problems(workspaceId)).toEqual([{ kind: "truncated", entryId: entries[6]!.id, seq: 8 }]);
  });
}
