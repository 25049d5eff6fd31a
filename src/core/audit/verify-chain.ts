// Verification of a workspace's audit chain: entries in seq order are pushed one by one (so a long
// chain can be read in pages), then checked against the stored head and the signed checkpoints.
import type { KeyObject } from "node:crypto";
import { checkpointSignatureValid, type AuditCheckpoint } from "./checkpoint.js";
import { diagnoseLinks, ProblemList, type AuditProblem, type ChainRecord } from "./chain-links.js";
import { GENESIS_HASH, hashEntry, type AuditEntry } from "./entry.js";

export interface ChainVerifyOptions {
  /** The stored chain head: entries past it were added, a chain ending before it was cut. */
  head?: { seq: number; hash: string } | null;
  /** Signed checkpoints of this workspace; each is checked with `publicKey`, then against the chain. */
  checkpoints?: readonly AuditCheckpoint[];
  /** Without it, checkpoints are not checked (and `checkpoints.checked` is 0). */
  publicKey?: KeyObject | null;
}

export interface ChainSummary {
  entries: number;
  /** The last entry read: what the chain says its head is. */
  last: { seq: number; hash: string } | null;
  checkpoints: { checked: number; latest: { seq: number; at: Date } | null };
}

export type ChainVerdict = ({ valid: true } | { valid: false; problems: AuditProblem[] }) & ChainSummary;

export interface ChainVerifier {
  /** The next entry in seq order. */
  push(entry: AuditEntry): void;
  /** `head` (when given) replaces the option: the head read after the entries. */
  finish(head?: { seq: number; hash: string } | null): ChainVerdict;
}

export function createChainVerifier(options: ChainVerifyOptions = {}): ChainVerifier {
  // Per entry only what following the links needs, in flat arrays: a long chain is read in pages and
  // the entries themselves are dropped as soon as they are hashed (except the few that fail). While
  // every entry hashes right and links to the one before, nothing else is kept: the hash index that
  // diagnosis needs is built only when something is wrong (the common case never pays for it).
  const ids: string[] = [];
  const seqs: number[] = [];
  const hashes: string[] = [];
  const prevHashes: string[] = [];
  const suspects = new Map<number, AuditEntry>();
  let linked = true;
  return {
    push(entry) {
      const pos = ids.length;
      if (hashEntry(entry) !== entry.hash) suspects.set(pos, entry);
      if (linked) linked = pos === 0 ? entry.seq === 1 && entry.prevHash === GENESIS_HASH : entry.seq === seqs[pos - 1]! + 1 && entry.prevHash === hashes[pos - 1];
      ids.push(entry.id);
      seqs.push(entry.seq);
      hashes.push(entry.hash);
      prevHashes.push(entry.prevHash);
    },
    finish(head = options.head) {
      const records: ChainRecord[] = ids.map((id, pos) => ({ id, seq: seqs[pos]!, hash: hashes[pos]!, prevHash: prevHashes[pos]!, intact: !suspects.has(pos) }));
      const problems = new ProblemList();
      if (!linked || suspects.size > 0) diagnoseLinks(records, suspects, indexByHash(hashes), problems);
      if (head) checkHead(records, head, problems);
      const checkpoints = checkCheckpoints(records, options, problems);
      const lastRecord = records[records.length - 1];
      const summary: ChainSummary = { entries: records.length, last: lastRecord ? { seq: lastRecord.seq, hash: lastRecord.hash } : null, checkpoints };
      if (problems.items.length === 0) return { valid: true, ...summary };
      // In chain order (stable: problems found at one entry keep the order they were found in).
      const ordered = [...problems.items].sort((a, b) => (a.seq ?? Infinity) - (b.seq ?? Infinity));
      return { valid: false, problems: ordered, ...summary };
    },
  };
}

/** Position of the first entry with each hash. */
function indexByHash(hashes: readonly string[]): Map<string, number> {
  const index = new Map<string, number>();
  for (let pos = 0; pos < hashes.length; pos++) if (!index.has(hashes[pos]!)) index.set(hashes[pos]!, pos);
  return index;
}

export function verifyChain(entries: Iterable<AuditEntry>, options: ChainVerifyOptions = {}): ChainVerdict {
  const verifier = createChainVerifier(options);
  for (const entry of entries) verifier.push(entry);
  return verifier.finish();
}

function checkHead(records: ChainRecord[], head: { seq: number; hash: string }, problems: ProblemList): void {
  const last = records[records.length - 1];
  const lastSeq = last?.seq ?? 0;
  if (lastSeq < head.seq) {
    problems.add("truncated", last ?? null, lastSeq + 1, `the chain head says ${head.seq} entries; the chain ends at ${lastSeq}`);
  } else if (lastSeq > head.seq) {
    for (const record of records) {
      if (record.seq > head.seq && !problems.has(record)) problems.add("inserted", record, record.seq, `past the chain head (${head.seq})`);
    }
  } else if (last && last.hash !== head.hash && !problems.has(last)) {
    problems.add("edited", last, last.seq, "it does not match the chain head");
  }
}

function checkCheckpoints(records: ChainRecord[], options: ChainVerifyOptions, problems: ProblemList): ChainSummary["checkpoints"] {
  let checked = 0;
  let latest: { seq: number; at: Date } | null = null;
  if (!options.publicKey) return { checked, latest };
  const lastSeq = records[records.length - 1]?.seq ?? 0;
  for (const checkpoint of options.checkpoints ?? []) {
    if (!checkpointSignatureValid(checkpoint, options.publicKey)) {
      problems.add("checkpoint_invalid", null, checkpoint.seq, `the checkpoint of entry ${checkpoint.seq} at ${checkpoint.at.toISOString()} is not signed by the configured key`);
      continue;
    }
    checked++;
    if (!latest || checkpoint.seq > latest.seq) latest = { seq: checkpoint.seq, at: checkpoint.at };
    const record = findBySeq(records, checkpoint.seq);
    const signed = `a checkpoint signed at ${checkpoint.at.toISOString()} vouches for entry ${checkpoint.seq}`;
    if (!record && checkpoint.seq > lastSeq) {
      problems.add("truncated", records[records.length - 1] ?? null, lastSeq + 1, `${signed}; the chain ends at ${lastSeq}`);
    } else if (record && record.hash !== checkpoint.hash) {
      problems.add("truncated", record, checkpoint.seq, `${signed} with another hash: the chain was cut and rewritten at or before it`);
    }
  }
  return { checked, latest };
}

/** Records are in seq order (ties possible only in a tampered chain). */
function findBySeq(records: ChainRecord[], seq: number): ChainRecord | undefined {
  let low = 0;
  let high = records.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const value = records[mid]!.seq;
    if (value === seq) return records[mid];
    if (value < seq) low = mid + 1;
    else high = mid - 1;
  }
  return undefined;
}
