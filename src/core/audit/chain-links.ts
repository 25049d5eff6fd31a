// Reading a tampered chain: which entries were edited, deleted, inserted or moved. Works on compact
// records (what verification keeps of each entry) plus the full text of the few entries whose content
// no longer matches their hash. The rules are described in docs/audit.md ("What verify reports").
import { GENESIS_HASH, hashEntry, type AuditEntry } from "./entry.js";

export type AuditProblemKind = "edited" | "deleted" | "inserted" | "reordered" | "truncated" | "checkpoint_invalid";

export interface AuditProblem {
  kind: AuditProblemKind;
  /** The entry the problem is about; null when it is about entries that are gone, or a checkpoint. */
  entryId: string | null;
  /** The seq the problem is about (the first missing one for `deleted` and `truncated`). */
  seq: number | null;
  detail: string;
}

/** What verification keeps of an entry: enough to follow the links. */
export interface ChainRecord {
  id: string;
  seq: number;
  hash: string;
  prevHash: string;
  /** The content still hashes to `hash`. */
  intact: boolean;
}

/** More suspects than this are all reported as edited: finding where each came from costs a hash per try. */
const MAX_RECOVERED = 10_000;

export class ProblemList {
  readonly items: AuditProblem[] = [];
  private readonly seen = new Set<string>();
  private readonly flagged = new Set<string>();
  add(kind: AuditProblemKind, record: ChainRecord | null, seq: number | null, detail: string): void {
    const key = `${record?.id ?? ""}|${kind}|${record ? "" : seq}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    if (record) this.flagged.add(record.id);
    this.items.push({ kind, entryId: record?.id ?? null, seq, detail });
  }
  /** The entry has a problem already. */
  has(record: ChainRecord): boolean {
    return this.flagged.has(record.id);
  }
}

/**
 * For entries whose content fails its hash: the seq each was written with, when it hashes correctly at
 * the position its own prevHash points to (it was moved, not changed). Positions are indexes into records.
 */
function recoverMoved(records: ChainRecord[], suspects: Map<number, AuditEntry>, index: Map<string, number>): Map<number, number> {
  const moved = new Map<number, number>();
  const settled = new Set<number>();
  if (suspects.size > MAX_RECOVERED) return moved;
  const writtenSeq = (pos: number) => moved.get(pos) ?? records[pos]!.seq;
  for (let progress = true; progress; ) {
    progress = false;
    for (const [pos, entry] of suspects) {
      if (settled.has(pos)) continue;
      const pred = entry.prevHash === GENESIS_HASH ? -1 : index.get(entry.prevHash);
      if (pred === undefined) {
        settled.add(pos);
        progress = true;
        continue;
      }
      if (pred >= 0 && suspects.has(pred) && !settled.has(pred)) continue;
      const seq = pred < 0 ? 1 : writtenSeq(pred) + 1;
      if (seq !== entry.seq && hashEntry({ ...entry, seq }) === entry.hash) moved.set(pos, seq);
      settled.add(pos);
      progress = true;
    }
  }
  return moved;
}

/** Content and link problems along the records, which are in stored seq order. */
export function diagnoseLinks(records: ChainRecord[], suspects: Map<number, AuditEntry>, index: Map<string, number>, problems: ProblemList): void {
  const moved = recoverMoved(records, suspects, index);
  for (let pos = 0; pos < records.length; pos++) {
    const record = records[pos]!;
    const prev = pos > 0 ? records[pos - 1]! : null;
    if (!record.intact) {
      const from = moved.get(pos);
      if (from !== undefined) problems.add("reordered", record, record.seq, `written as entry ${from}, now stored as entry ${record.seq}`);
      else problems.add("edited", record, record.seq, "its content no longer matches its hash");
    }
    const expected = prev ? prev.seq + 1 : 1;
    if (prev && record.seq === prev.seq) {
      // Two entries claim one seq: the chain continues from one of them, the other was added.
      const continued = records.some((other) => other.prevHash === record.hash);
      problems.add("inserted", continued ? prev : record, record.seq, `a second entry ${record.seq}`);
      continue;
    }
    if (record.seq > expected) {
      const range = record.seq - 1 === expected ? `entry ${expected} is` : `entries ${expected}..${record.seq - 1} are`;
      problems.add("deleted", record, expected, `${range} missing before it`);
      continue;
    }
    const wanted = prev ? prev.hash : GENESIS_HASH;
    if (record.prevHash === wanted) continue;
    const target = record.prevHash === GENESIS_HASH ? -1 : index.get(record.prevHash);
    if (moved.has(pos)) {
      // Reported as moved; it still shows what was slipped in between it and its predecessor.
      if (target !== undefined && target < pos - 1) flagBetween(records, target, pos, moved, problems);
    } else if (target === undefined) {
      // It commits to an entry that no longer exists, though nothing is missing: the one before it
      // was rewritten and re-hashed.
      if (record.intact && prev) problems.add("edited", prev, prev.seq, "it was rewritten and re-hashed: the next entry commits to a different one");
      else if (record.intact) problems.add("inserted", record, record.seq, "the first entry does not start the chain");
    } else if (target > pos) {
      problems.add("reordered", record, record.seq, "it commits to an entry stored after it");
    } else {
      flagBetween(records, target, pos, moved, problems);
    }
  }
}

/** The chain runs from `from` straight to `to`: intact entries between them are not part of it. */
function flagBetween(records: ChainRecord[], from: number, to: number, moved: Map<number, number>, problems: ProblemList): void {
  for (let between = from + 1; between < to; between++) {
    const other = records[between]!;
    if (other.intact && !moved.has(between)) problems.add("inserted", other, other.seq, "the chain does not pass through it");
  }
}
