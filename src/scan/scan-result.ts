// What a scan produces, and the collector every source (files, stdin, blobs) feeds its bytes into.
import { EMPTY_ALLOWLIST, type Allowlist } from "./allowlist.js";
import { createFinding, type Finding, type FindingSource } from "./finding.js";
import { locateKeys } from "./locate-keys.js";

export type ScanMode = "files" | "git" | "staged";

export interface ScanStats {
  /** Files, or blobs for --git and --staged. */
  scanned: number;
  bytes: number;
  skipped: { binary: number; tooLarge: number; symlinkOutside: number; unreadable: number };
}

export interface ScanResult {
  mode: ScanMode;
  findings: Finding[];
  /** Found, but allowed by `.keyward-scan-allow` or an inline `keyward-scan:allow`. */
  allowed: Finding[];
  stats: ScanStats;
  /** Problems that did not stop the scan (unreadable files, allowlist typos). */
  warnings: string[];
  /** A file could not be read: the scan is incomplete, so it cannot be called clean. */
  incomplete: boolean;
}

/** The first 8 KB holds a NUL: git's own test for binary content. */
export const BINARY_SNIFF_BYTES = 8192;
export function looksBinary(bytes: Uint8Array): boolean {
  return bytes.subarray(0, BINARY_SNIFF_BYTES).indexOf(0) >= 0;
}

export interface Collector {
  readonly result: ScanResult;
  /** Scans one file's or blob's bytes; returns its findings (allowed ones excluded). */
  add(bytes: Buffer, source: FindingSource): Finding[];
}

export function createCollector(mode: ScanMode, allowlist: Allowlist = EMPTY_ALLOWLIST): Collector {
  const result: ScanResult = {
    mode,
    findings: [],
    allowed: [],
    stats: { scanned: 0, bytes: 0, skipped: { binary: 0, tooLarge: 0, symlinkOutside: 0, unreadable: 0 } },
    warnings: [...allowlist.warnings],
    incomplete: false,
  };
  return {
    result,
    add(bytes, source) {
      result.stats.scanned++;
      result.stats.bytes += bytes.length;
      const found: Finding[] = [];
      for (const match of locateKeys(bytes)) {
        const finding = createFinding(match, source);
        if (match.allowedInline || allowlist.allows(finding)) result.allowed.push(finding);
        else found.push(finding);
      }
      result.findings.push(...found);
      return found;
    },
  };
}

/** Findings in a stable order: by path, then position. */
export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line || a.column - b.column));
}
