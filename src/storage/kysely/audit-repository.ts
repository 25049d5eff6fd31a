// The audit log over kysely: appends queue on the workspace's head row, which is read and moved in the
// same transaction as the entry (and as the change the entry records).
import { sealEntry, GENESIS_HASH, type AuditDraft } from "../../core/index.js";
import type { AuditStore } from "../port.js";
import { atomic, type StoreContext } from "./context.js";
import { toAuditEntry, toAuditRow, toCheckpoint, toCheckpointRow } from "./audit-rows.js";
import { fetchSize, toPageBy } from "./paging.js";

/** Rows per INSERT of a batch append: 16 columns × 500 stays far below SQLite's bound-parameter limit. */
const ENTRIES_PER_INSERT = 500;

export function createAuditRepository(ctx: StoreContext): AuditStore {
  const { db, profile } = ctx;

  /** Reads the head and holds it: a no-op UPDATE takes the row lock on PostgreSQL (SQLite: the write lock). */
  async function lockHead({ db: trx }: StoreContext, workspaceId: string) {
    const lock = () =>
      trx
        .updateTable("audit_heads")
        .set((eb) => ({ seq: eb.ref("seq") }))
        .where("workspace_id", "=", workspaceId)
        .returning(["seq", "hash"])
        .executeTakeFirst();
    const head = await lock();
    if (head) return head;
    // The workspace's first entry. Two first appends racing: one insert waits for the other's commit, then does nothing.
    await trx
      .insertInto("audit_heads")
      .values({ workspace_id: workspaceId, seq: 0, hash: GENESIS_HASH })
      .onConflict((oc) => oc.column("workspace_id").doNothing())
      .execute();
    const created = await lock();
    if (!created) throw new Error(`audit head of ${workspaceId} missing after insert`);
    return created;
  }

  return {
    append(draft: AuditDraft) {
      return atomic(ctx, async (tx) => {
        const head = await lockHead(tx, draft.workspaceId);
        const entry = sealEntry(draft, { seq: Number(head.seq), hash: head.hash });
        await tx.db.insertInto("audit_log").values(toAuditRow(profile, entry)).execute();
        await tx.db.updateTable("audit_heads").set({ seq: entry.seq, hash: entry.hash }).where("workspace_id", "=", draft.workspaceId).execute();
        return entry;
      });
    },

    appendMany(drafts: AuditDraft[]) {
      if (drafts.length === 0) return Promise.resolve([]);
      const workspaceId = drafts[0]!.workspaceId;
      if (drafts.some((draft) => draft.workspaceId !== workspaceId)) throw new Error("appendMany takes drafts of one workspace");
      return atomic(ctx, async (tx) => {
        const head = await lockHead(tx, workspaceId);
        // Sealed one after the other onto the previous entry, exactly as single appends would be.
        let link = { seq: Number(head.seq), hash: head.hash };
        const entries = drafts.map((draft) => {
          const entry = sealEntry(draft, link);
          link = { seq: entry.seq, hash: entry.hash };
          return entry;
        });
        for (let index = 0; index < entries.length; index += ENTRIES_PER_INSERT) {
          await tx.db
            .insertInto("audit_log")
            .values(entries.slice(index, index + ENTRIES_PER_INSERT).map((entry) => toAuditRow(profile, entry)))
            .execute();
        }
        await tx.db.updateTable("audit_heads").set({ seq: link.seq, hash: link.hash }).where("workspace_id", "=", workspaceId).execute();
        return entries;
      });
    },

    async list(workspaceId, filter, page) {
      let query = db.selectFrom("audit_log").selectAll().where("workspace_id", "=", workspaceId);
      if (filter.targetId !== undefined) query = query.where("target_id", "=", filter.targetId);
      if (filter.actor === "system") query = query.where("actor_type", "=", "system");
      else if (filter.actor !== undefined) query = query.where("actor_id", "=", filter.actor);
      if (filter.action !== undefined) query = query.where("action", "=", filter.action);
      if (filter.since !== undefined) query = query.where("occurred_at", ">=", profile.time.encode(filter.since));
      if (page.afterSeq !== undefined) query = query.where("seq", page.order === "desc" ? "<" : ">", page.afterSeq);
      const rows = await query.orderBy("seq", page.order).limit(fetchSize(page)).execute();
      return toPageBy(
        rows.map((row) => toAuditEntry(profile, row)),
        page,
        (entry) => String(entry.seq),
      );
    },

    async scan(workspaceId, afterSeq, limit) {
      const rows = await db.selectFrom("audit_log").selectAll().where("workspace_id", "=", workspaceId).where("seq", ">", afterSeq).orderBy("seq").limit(limit).execute();
      return rows.map((row) => toAuditEntry(profile, row));
    },

    async head(workspaceId) {
      const row = await db.selectFrom("audit_heads").select(["seq", "hash"]).where("workspace_id", "=", workspaceId).executeTakeFirst();
      return row ? { workspaceId, seq: Number(row.seq), hash: row.hash } : null;
    },

    async headsWithoutCheckpoint() {
      const rows = await db
        .selectFrom("audit_heads as h")
        .select(["h.workspace_id", "h.seq", "h.hash"])
        .where("h.seq", ">", 0)
        .where(({ not, exists, selectFrom }) =>
          not(exists(selectFrom("audit_checkpoints as c").select("c.seq").whereRef("c.workspace_id", "=", "h.workspace_id").whereRef("c.seq", ">=", "h.seq"))),
        )
        .execute();
      return rows.map((row) => ({ workspaceId: row.workspace_id, seq: Number(row.seq), hash: row.hash }));
    },

    async addCheckpoint(checkpoint) {
      const result = await db
        .insertInto("audit_checkpoints")
        .values(toCheckpointRow(profile, checkpoint))
        .onConflict((oc) => oc.columns(["workspace_id", "seq"]).doNothing())
        .executeTakeFirst();
      return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
    },

    async checkpoints(workspaceId, afterSeq, limit) {
      const rows = await db.selectFrom("audit_checkpoints").selectAll().where("workspace_id", "=", workspaceId).where("seq", ">", afterSeq).orderBy("seq").limit(limit).execute();
      return rows.map((row) => toCheckpoint(profile, row));
    },
  };
}
