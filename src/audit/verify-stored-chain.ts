// Verifies a workspace's chain as the database holds it: the entries page by page in seq order, the
// stored head, and (with a public key) the signed checkpoints.
import type { KeyObject } from "node:crypto";
import { createChainVerifier, type AuditCheckpoint, type ChainVerdict } from "../core/index.js";
import type { AuditStore } from "../storage/port.js";

/** Entries read per query: the verifier keeps only a small record per entry, not the entries. */
const SCAN_PAGE = 2000;
/** Appends racing the read: how many times at most to read on after the head moved. */
const MAX_CATCH_UP = 100;

export interface StoredChainOptions {
  publicKey?: KeyObject | null;
  /** Checkpoints kept elsewhere (an export), checked as well as the stored ones. */
  extraCheckpoints?: readonly AuditCheckpoint[];
}

export async function readCheckpoints(audit: AuditStore, workspaceId: string): Promise<AuditCheckpoint[]> {
  const all: AuditCheckpoint[] = [];
  for (let afterSeq = 0; ; ) {
    const page = await audit.checkpoints(workspaceId, afterSeq, 1000);
    all.push(...page);
    if (page.length < 1000) return all;
    afterSeq = page[page.length - 1]!.seq;
  }
}

export async function verifyStoredChain(audit: AuditStore, workspaceId: string, options: StoredChainOptions = {}): Promise<ChainVerdict> {
  const publicKey = options.publicKey ?? null;
  const stored = publicKey ? await readCheckpoints(audit, workspaceId) : [];
  const verifier = createChainVerifier({ checkpoints: [...stored, ...(options.extraCheckpoints ?? [])], publicKey });
  let lastSeq = 0;
  // A read started ahead is awaited below; until then a failure of it must not count as unhandled.
  const scan = (afterSeq: number) => {
    const read = audit.scan(workspaceId, afterSeq, SCAN_PAGE);
    read.catch(() => {});
    return read;
  };
  let pending = scan(0);
  for (let rounds = 0; ; ) {
    const page = await pending;
    lastSeq = page[page.length - 1]?.seq ?? lastSeq;
    // The next page is read while this one is hashed.
    if (page.length === SCAN_PAGE) pending = scan(lastSeq);
    for (const entry of page) verifier.push(entry);
    if (page.length === SCAN_PAGE) continue;
    // Read after the entries: an entry and its head move in one transaction, so a head behind the last
    // entry read means entries nobody appended; a head ahead of it, appends made meanwhile (read on
    // while that finds entries) or a cut tail (when reading on finds none).
    const head = await audit.head(workspaceId);
    if (head && head.seq > lastSeq && page.length > 0 && rounds++ < MAX_CATCH_UP) {
      pending = scan(lastSeq);
      continue;
    }
    return verifier.finish(head);
  }
}
