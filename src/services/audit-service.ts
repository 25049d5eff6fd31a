// Reading the audit log of the caller's workspace: filtered pages, verification of the chain against
// its head and signed checkpoints, and the checkpoints themselves (to keep a copy elsewhere).
import type { AuditCheckpoint, AuditEntry, ChainVerdict } from "../core/index.js";
import type { Actor } from "../auth/index.js";
import { verifyStoredChain } from "../audit/verify-stored-chain.js";
import { KeywardError } from "../errors/index.js";
import type { ServiceContext } from "./context.js";
import { DEFAULT_PAGE_SIZE } from "./pagination.js";

export type AuditOrder = "desc" | "asc";

export interface AuditQuery {
  target?: string;
  actor?: string;
  action?: string;
  since?: string;
  order?: AuditOrder;
  cursor?: string;
  limit?: number;
}

/** Cursors name the order they were made for: a page of one order cannot continue the other. */
function encodeSeqCursor(kind: string, seq: number): string {
  return Buffer.from(`${kind}:${seq}`, "utf8").toString("base64url");
}

function decodeSeqCursor(kind: string, cursor: string): number {
  const text = /^[A-Za-z0-9_-]{1,100}$/.test(cursor) ? Buffer.from(cursor, "base64url").toString("utf8") : "";
  const match = new RegExp(`^${kind}:(\\d{1,15})$`).exec(text);
  if (!match) throw new KeywardError("INVALID_CURSOR", "Pass back the nextCursor of the previous page unchanged (with the same order).");
  return Number(match[1]);
}

export async function listAudit(ctx: ServiceContext, actor: Actor, query: AuditQuery): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
  const order = query.order ?? "desc";
  const kind = `a1${order}`;
  const since = query.since !== undefined ? new Date(query.since) : undefined;
  const page = await ctx.store.audit.list(
    actor.workspaceId,
    {
      ...(query.target !== undefined ? { targetId: query.target } : {}),
      ...(query.actor !== undefined ? { actor: query.actor } : {}),
      ...(query.action !== undefined ? { action: query.action } : {}),
      ...(since !== undefined ? { since } : {}),
    },
    { limit: query.limit ?? DEFAULT_PAGE_SIZE, order, ...(query.cursor ? { afterSeq: decodeSeqCursor(kind, query.cursor) } : {}) },
  );
  return { items: page.items, nextCursor: page.nextCursor === null ? null : encodeSeqCursor(kind, Number(page.nextCursor)) };
}

export interface AuditVerification {
  verdict: ChainVerdict;
  /** Off without a signing key: then a truncated and recomputed tail cannot be told from a real one. */
  checkpoints: { enabled: boolean; keyId: string | null };
}

export async function verifyAudit(ctx: ServiceContext, actor: Actor): Promise<AuditVerification> {
  const key = ctx.auditKey;
  const verdict = await verifyStoredChain(ctx.store.audit, actor.workspaceId, { publicKey: key?.publicKey ?? null });
  return { verdict, checkpoints: { enabled: key !== null, keyId: key?.keyId ?? null } };
}

export async function listCheckpoints(ctx: ServiceContext, actor: Actor, query: { cursor?: string; limit?: number }) {
  const afterSeq = query.cursor ? decodeSeqCursor("c1", query.cursor) : 0;
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const rows = await ctx.store.audit.checkpoints(actor.workspaceId, afterSeq, limit + 1);
  const items: AuditCheckpoint[] = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    enabled: ctx.auditKey !== null,
    keyId: ctx.auditKey?.keyId ?? null,
    items,
    nextCursor: rows.length > limit && last ? encodeSeqCursor("c1", last.seq) : null,
  };
}
