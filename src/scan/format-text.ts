// Text output for people: one line a finding on stdout, the summary and advice on stderr.
import { ALLOWLIST_FILE } from "./allowlist.js";
import type { Finding } from "./finding.js";
import type { ScanResult } from "./scan-result.js";

/** A file name can hold escape sequences; they must not reach the terminal as such. */
export const printable = (text: string) => text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);

export function formatFindingLine(finding: Finding): string {
  const where = `${printable(finding.path)}:${finding.line}:${finding.column}`;
  const commit = finding.commit ? `  commit ${finding.commit.slice(0, 12)}` : "";
  return `${where}  ${finding.environment} key ${finding.start}…  fingerprint ${finding.fingerprint}${commit}`;
}

const plural = (count: number, word: string) => `${count.toLocaleString("en-US")} ${word}${count === 1 ? "" : "s"}`;

export function formatSummary(result: ScanResult, elapsedMs: number): string {
  const { stats, findings } = result;
  const unit = result.mode === "files" ? "file" : "blob";
  const live = findings.filter((finding) => finding.environment === "live").length;
  const found = findings.length ? `${plural(findings.length, "key")} found (${live} live, ${findings.length - live} test)` : "no keys found";
  const parts = [`keyward scan: ${found} in ${plural(stats.scanned, unit)}, ${(stats.bytes / 1e6).toFixed(1)} MB, ${(elapsedMs / 1000).toFixed(2)} s`];
  const { binary, tooLarge, symlinkOutside, unreadable } = stats.skipped;
  const skipped = [
    binary ? `${binary} binary` : "",
    tooLarge ? `${tooLarge} over the size limit` : "",
    symlinkOutside ? `${plural(symlinkOutside, "symlink")} out of the tree` : "",
    unreadable ? `${unreadable} unreadable` : "",
  ].filter(Boolean);
  if (skipped.length) parts.push(`skipped ${skipped.join(", ")}`);
  if (result.allowed.length) parts.push(`${result.allowed.length} allowed (${ALLOWLIST_FILE} or keyward-scan:allow)`);
  return parts.join("; ");
}

export function formatText(result: ScanResult, elapsedMs: number): { stdout: string; stderr: string } {
  const stdout = result.findings.map((finding) => `${formatFindingLine(finding)}\n`).join("");
  const lines = [...result.warnings.map((warning) => `keyward scan: warning: ${printable(warning)}`), formatSummary(result, elapsedMs)];
  if (result.findings.some((finding) => finding.environment === "live")) {
    lines.push("A live key that reached a file or a commit must be treated as leaked: revoke or rotate it, then remove it.");
  }
  if (result.findings.length) {
    lines.push(`A deliberate test key? Add its fingerprint to ${ALLOWLIST_FILE}, or put keyward-scan:allow on its line (see docs/scan.md).`);
  }
  return { stdout, stderr: `${lines.join("\n")}\n` };
}
