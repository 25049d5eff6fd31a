// Builders for the audit contract: drafts, and direct access to the audit tables for tampering.
import type { AuditDraft } from "../../../src/core/index.js";
import type { Store } from "../../../src/storage/index.js";
import type { RawDatabase } from "../adapters.js";
import { at, newId } from "../fixtures.js";

export function newDraft(workspaceId: string, n: number, overrides: Partial<AuditDraft> = {}): AuditDraft {
  return {
    id: newId("aud", at(n)),
    workspaceId,
    time: at(n),
    actor: { type: "root_key", id: "key_0000000000000000000001" },
    action: n % 2 ? "key.update" : "api.update",
    target: { type: "key", id: `key_${n % 3}` },
    before: `{"n":${n - 1}}`,
    after: `{"n":${n},"name":"é \\u0000 \u{1F600}"}`,
    requestId: `req-${n}`,
    sourceIp: "2001:db8::1",
    userAgent: "contract/1.0",
    ...overrides,
  };
}

/** Appends `count` entries, each in a transaction of its own. */
export async function appendMany(store: Store, workspaceId: string, count: number) {
  const entries = [];
  for (let n = 1; n <= count; n++) entries.push(await store.transaction((tx) => tx.audit.append(newDraft(workspaceId, n))));
  return entries;
}

/** Like appendMany, in transactions of up to 1000 appends (long chains). */
export async function appendInBatches(store: Store, workspaceId: string, count: number) {
  const entries = [];
  for (let from = 1; from <= count; from += 1000) {
    const upTo = Math.min(count, from + 999);
    entries.push(
      ...(await store.transaction(async (tx) => {
        const batch = [];
        for (let n = from; n <= upTo; n++) batch.push(await tx.audit.append(newDraft(workspaceId, n)));
        return batch;
      })),
    );
  }
  return entries;
}

/** The audit tables, bypassing Keyward: what someone with database access could do. */
export function auditTables(raw: RawDatabase) {
  const log = () => raw.db.updateTable("audit_log");
  return {
    /** Renumbers: seq >= from moves by `by` (through a detour, since each row must stay unique). */
    async shift(workspaceId: string, from: number, by: number) {
      await log().set((eb) => ({ seq: eb("seq", "+", 1_000_000) })).where("workspace_id", "=", workspaceId).where("seq", ">=", from).execute();
      await log().set((eb) => ({ seq: eb("seq", "-", 1_000_000 - by) })).where("workspace_id", "=", workspaceId).where("seq", ">=", 1_000_000).execute();
    },
    async swap(workspaceId: string, a: number, b: number) {
      await log().set({ seq: -1 }).where("workspace_id", "=", workspaceId).where("seq", "=", a).execute();
      await log().set({ seq: a }).where("workspace_id", "=", workspaceId).where("seq", "=", b).execute();
      await log().set({ seq: b }).where("workspace_id", "=", workspaceId).where("seq", "=", -1).execute();
    },
    async setHead(workspaceId: string, seq: number, hash: string) {
      await raw.db.updateTable("audit_heads").set({ seq, hash }).where("workspace_id", "=", workspaceId).execute();
    },
    update: log,
    delete: () => raw.db.deleteFrom("audit_log"),
    insert: () => raw.db.insertInto("audit_log"),
  };
}
