// `.keyward-scan-allow`: keys a repository holds on purpose (fixtures, docs), by fingerprint or, for
// test keys only, by display start. A live key can only be allowed by its exact fingerprint, so that
// a short start typed in haste cannot silence a real production key that happens to share it.
import type { Finding } from "./finding.js";

export const ALLOWLIST_FILE = ".keyward-scan-allow";

export interface Allowlist {
  allows(finding: Finding): boolean;
  /** Lines that mean nothing, reported so a typo does not silently allow nothing. */
  warnings: string[];
  size: number;
}

const FINGERPRINT = /^[0-9a-f]{16,64}$/;
const TEST_START = /^[a-z][a-z0-9]{1,15}_test_[0-9A-Za-z]{4}$/;
const LIVE_START = /^[a-z][a-z0-9]{1,15}_live_[0-9A-Za-z]{4}$/;

export const EMPTY_ALLOWLIST: Allowlist = { allows: () => false, warnings: [], size: 0 };

/** One entry a line; `#` starts a comment. A full SHA-256 is accepted and compared by its first 16 digits. */
export function parseAllowlist(text: string, name = ALLOWLIST_FILE): Allowlist {
  const fingerprints = new Set<string>();
  const starts = new Set<string>();
  const warnings: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const entry = raw.replace(/#.*/, "").trim();
    if (!entry) return;
    if (FINGERPRINT.test(entry)) fingerprints.add(entry.slice(0, 16));
    else if (TEST_START.test(entry)) starts.add(entry);
    else if (LIVE_START.test(entry)) warnings.push(`${name}:${index + 1}: a live key can only be allowed by its fingerprint, not by its start`);
    else warnings.push(`${name}:${index + 1}: not a fingerprint (16 hex digits) nor a test key start (prefix_test_XXXX); ignored`);
  });
  return {
    allows: (finding) => fingerprints.has(finding.fingerprint) || (finding.environment === "test" && starts.has(finding.start)),
    warnings,
    size: fingerprints.size + starts.size,
  };
}
