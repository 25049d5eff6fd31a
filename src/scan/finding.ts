// A finding: where a key was found and what may be shown of it. The key itself is never a field, so
// no formatter, log line or JSON.stringify can print it; only the report to Keyward reads it back.
import { hashKey, keyStart, parseKey, type KeyEnvironment } from "../core/key-format.js";
import { findKeys } from "./find-keys.js";
import type { KeyMatch } from "./locate-keys.js";

export interface FindingSource {
  /** Forward slashes; relative to the scan base when inside it; "-" for stdin. */
  path: string;
  /** History scans: the commit that first added the blob. */
  commit?: string;
}

export interface Finding extends FindingSource {
  line: number;
  column: number;
  endColumn: number;
  prefix: string;
  environment: KeyEnvironment;
  /** The display start (`acme_live_3xK9`), as the dashboard shows it. */
  start: string;
  /** Stable id of the key: the first 16 hex digits of SHA-256(key), the hash Keyward stores. */
  fingerprint: string;
  /** History scans: every commit whose change added this blob, oldest first. */
  commits?: string[];
}

const FINGERPRINT_LENGTH = 16;
const secrets = new WeakMap<Finding, string>();

export function fingerprintOf(key: string): string {
  return hashKey(key).slice(0, FINGERPRINT_LENGTH);
}

export function createFinding(match: KeyMatch, source: FindingSource): Finding {
  const parsed = parseKey(match.key);
  if (!parsed.ok) throw new Error("createFinding: not a valid key");
  const finding: Finding = {
    path: source.path,
    ...(source.commit ? { commit: source.commit } : {}),
    line: match.line,
    column: match.column,
    endColumn: match.endColumn,
    prefix: parsed.prefix,
    environment: parsed.environment,
    start: keyStart(match.key),
    fingerprint: fingerprintOf(match.key),
  };
  secrets.set(finding, match.key);
  return finding;
}

/** A copy at another place (history: the blob's origin found later), still tied to its key. */
export function relocateFinding(finding: Finding, changes: Partial<FindingSource> & { commits?: string[] }): Finding {
  const moved: Finding = { ...finding, ...changes };
  secrets.set(moved, secrets.get(finding)!);
  return moved;
}

/** The whole key, for `--report` only: the server needs it to find and revoke the key. */
export function secretOf(finding: Finding): string {
  const key = secrets.get(finding);
  if (key === undefined) throw new Error("secretOf: not a finding made by the scanner");
  return key;
}

/** `text` with every valid key cut down to its display start: for messages that echo foreign text. */
export function redactKeys(text: string): string {
  const bytes = Buffer.from(text, "utf8");
  const hits = findKeys(bytes);
  if (hits.length === 0) return text;
  const parts: string[] = [];
  let at = 0;
  for (const hit of hits) {
    parts.push(bytes.toString("utf8", at, hit.offset), `${keyStart(hit.key)}…`);
    at = hit.end;
  }
  parts.push(bytes.toString("utf8", at));
  return parts.join("");
}
