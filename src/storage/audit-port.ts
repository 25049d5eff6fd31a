// The audit part of the storage port: each workspace's hash-chained entries, its chain head, and the
// signed checkpoints of that head.
import type { AuditCheckpoint, AuditDraft, AuditEntry, AuditHead } from "../core/index.js";
import type { Page } from "./port.js";

export interface AuditFilter {
  /** Entries about this object (a target id). */
  targetId?: string;
  /** Entries by this root key id, or by Keyward itself when "system". */
  actor?: string;
  action?: string;
  /** Entries at or after this time. */
  since?: Date;
}

export interface AuditPageRequest {
  /** 1..100 */
  limit: number;
  /** Newest first (descending seq) or oldest first. */
  order: "desc" | "asc";
  /** Continue after this seq (exclusive) in the page's order. */
  afterSeq?: number;
}

export interface AuditStore {
  /**
   * Seals the draft onto the workspace's chain head and writes entry and head. Appends to one
   * workspace queue on the head row (a row lock on PostgreSQL; SQLite has one writer), so seqs never
   * repeat or skip. Inside a transaction it commits or rolls back with the change it records.
   */
  append(draft: AuditDraft): Promise<AuditEntry>;
  /**
   * Seals drafts of one workspace in order, exactly as many `append` calls would (same seqs, same
   * chain), with one head update and batched inserts: for bulk changes such as an import.
   */
  appendMany(drafts: AuditDraft[]): Promise<AuditEntry[]>;
  /** A filtered page; `nextCursor` is the last entry's seq as text. */
  list(workspaceId: string, filter: AuditFilter, page: AuditPageRequest): Promise<Page<AuditEntry>>;
  /** Up to `limit` entries with seq > afterSeq, oldest first, unfiltered: how verification reads a chain. */
  scan(workspaceId: string, afterSeq: number, limit: number): Promise<AuditEntry[]>;
  /** The stored head; null when the workspace has no entries yet. */
  head(workspaceId: string): Promise<AuditHead | null>;
  /** Heads that moved past their workspace's latest checkpoint (or have none yet). */
  headsWithoutCheckpoint(): Promise<AuditHead[]>;
  /** Stores a checkpoint; false when the workspace has one for that seq already. */
  addCheckpoint(checkpoint: AuditCheckpoint): Promise<boolean>;
  /** Checkpoints of a workspace with seq > afterSeq, oldest first. */
  checkpoints(workspaceId: string, afterSeq: number, limit: number): Promise<AuditCheckpoint[]>;
}
