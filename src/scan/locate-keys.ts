// Where each key found in a buffer stands: line, column, and whether its line carries the inline
// `keyward-scan:allow` marker. Lines are only counted up to a hit, so clean input costs nothing here.
import { findKeys } from "./find-keys.js";

export interface KeyMatch {
  key: string;
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units (SARIF's default column kind, and what editors show). */
  column: number;
  /** One past the key's last column. */
  endColumn: number;
  /** The line says `keyward-scan:allow`: a deliberate test key, skipped by request. */
  allowedInline: boolean;
}

export const INLINE_ALLOW_MARKER = "keyward-scan:allow";
const NEWLINE = 10;

export function locateKeys(bytes: Buffer): KeyMatch[] {
  const hits = findKeys(bytes);
  if (hits.length === 0) return [];
  const matches: KeyMatch[] = [];
  let line = 1;
  let lineStart = 0;
  let counted = 0;
  for (const hit of hits) {
    for (let newline = bytes.indexOf(NEWLINE, counted); newline >= 0 && newline < hit.offset; newline = bytes.indexOf(NEWLINE, newline + 1)) {
      line++;
      lineStart = newline + 1;
    }
    counted = hit.offset;
    // Decoding only the line's start gives the column in characters even after multi-byte text.
    const column = bytes.toString("utf8", lineStart, hit.offset).length + 1;
    const lineEnd = bytes.indexOf(NEWLINE, hit.end);
    const allowedInline = bytes.subarray(lineStart, lineEnd < 0 ? bytes.length : lineEnd).includes(INLINE_ALLOW_MARKER);
    matches.push({ key: hit.key, line, column, endColumn: column + hit.key.length, allowedInline });
  }
  return matches;
}
