// JSON output for scripts: findings (never the key itself), what was allowed, counts and warnings.
import type { ScanResult } from "./scan-result.js";

export const JSON_FORMAT_VERSION = 1;

export function formatJson(result: ScanResult, elapsedMs: number): string {
  const document = {
    formatVersion: JSON_FORMAT_VERSION,
    mode: result.mode,
    findings: result.findings,
    allowed: result.allowed,
    stats: { ...result.stats, elapsedMs: Math.round(elapsedMs) },
    complete: !result.incomplete,
    warnings: result.warnings,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
