// An audit entry and its place in the workspace's hash chain: the canonical encoding that the hash
// commits to, and sealing a new entry onto the chain head. Pure: callers pass the time and the head.
import * as crypto from "node:crypto";
import { canonicalJson } from "./canonical-json.js";

/** Who made a change: a root key, or Keyward itself (bootstrap, workspace provisioning). */
export type AuditActor = { type: "root_key"; id: string } | { type: "system" };

export interface AuditTarget {
  /** `key`, `api`, `identity`, `role`, `root_key`, `workspace`, `ratelimit_override`. */
  type: string;
  id: string;
}

/** Where a change came from; null fields when Keyward itself made it. */
export interface AuditRequest {
  requestId: string | null;
  sourceIp: string | null;
  userAgent: string | null;
}

/** An entry before it joins the chain. `before`/`after` are canonical JSON text of public views, or null. */
export interface AuditDraft extends AuditRequest {
  id: string;
  workspaceId: string;
  time: Date;
  actor: AuditActor;
  action: string;
  target: AuditTarget;
  before: string | null;
  after: string | null;
}

export interface AuditEntry extends AuditDraft {
  /** 1, 2, 3… per workspace. */
  seq: number;
  /** The previous entry's hash; GENESIS_HASH for seq 1. */
  prevHash: string;
  /** SHA-256 hex of encodeEntry(this entry). */
  hash: string;
}

/** The chain head of a workspace: the last entry's seq and hash (0 and GENESIS_HASH when empty). */
export interface AuditHead {
  workspaceId: string;
  seq: number;
  hash: string;
}

export const GENESIS_HASH = "0".repeat(64);
/** Version of the encoding below; part of every hashed entry so that a later format cannot be confused with it. */
export const AUDIT_ENTRY_VERSION = 1;

/** Printable ASCII without `"` and `\`: JSON.stringify would only add the quotes (ids, hashes, actions). */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
const quote = (value: string) => (PLAIN.test(value) ? `"${value}"` : JSON.stringify(value));
const text = (value: string | null) => (value === null ? "null" : quote(value));
/** A time no sealed entry can have (a row's time rewritten to garbage) encodes as such, rather than throwing. */
const isoTime = (time: Date) => (Number.isNaN(time.getTime()) ? "invalid" : time.toISOString());

/**
 * The canonical JSON of the entry without its own hash: keys in sorted order, `before`/`after`
 * spliced in as the canonical text they are stored as. Equal to canonicalJson() of the same entry with
 * `before`/`after` parsed (entry.test.ts holds the two together); written out by hand because
 * verification runs it once per entry.
 */
export function encodeEntry(entry: Omit<AuditEntry, "hash">): string {
  const actor = entry.actor.type === "root_key" ? `{"id":${quote(entry.actor.id)},"type":"root_key"}` : `{"type":"system"}`;
  return (
    `{"action":${quote(entry.action)},"actor":${actor},"after":${entry.after ?? "null"},"before":${entry.before ?? "null"}` +
    `,"id":${quote(entry.id)},"prevHash":${quote(entry.prevHash)},"requestId":${text(entry.requestId)}` +
    `,"seq":${String(entry.seq)},"sourceIp":${text(entry.sourceIp)},"target":{"id":${quote(entry.target.id)},"type":${quote(entry.target.type)}}` +
    `,"time":"${isoTime(entry.time)}","userAgent":${text(entry.userAgent)},"v":${AUDIT_ENTRY_VERSION},"workspaceId":${quote(entry.workspaceId)}}`
  );
}

/** SHA-256 hex of bytes (a string: its UTF-8): the one-shot crypto.hash where Node has it (≥ 20.12), which skips a Hash object per call. */
export const sha256Hex: (data: string | Buffer) => string =
  typeof crypto.hash === "function" ? (data) => crypto.hash("sha256", data, "hex") : (data) => crypto.createHash("sha256").update(data).digest("hex");

export function hashEntry(entry: Omit<AuditEntry, "hash">): string {
  return sha256Hex(encodeEntry(entry));
}

/** The draft as the next entry after `head` (null: the workspace's chain is empty). */
export function sealEntry(draft: AuditDraft, head: Pick<AuditHead, "seq" | "hash"> | null): AuditEntry {
  const unsealed = { ...draft, seq: (head?.seq ?? 0) + 1, prevHash: head?.hash ?? GENESIS_HASH };
  return { ...unsealed, hash: hashEntry(unsealed) };
}

/** A public view as the canonical text an entry stores; null stays null. */
export function auditView(view: unknown): string | null {
  return view === null || view === undefined ? null : canonicalJson(view);
}
