// `--report`: findings sent to a Keyward server, which revokes (or disables) the live keys among them.
// The one place a whole key leaves the scanner: the server needs it to find the key by its hash.
// Depends on the leak-report endpoint (POST /v1/leaks/scan, root key with `leaks:report`).
import { secretOf, type Finding } from "./finding.js";

export const LEAK_REPORT_PATH = "/v1/leaks/scan";

export interface LeakReport {
  findings: { key: string; source: { path: string; line: number; commit?: string } }[];
}

export function buildLeakReport(findings: readonly Finding[]): LeakReport {
  return {
    findings: findings.map((finding) => ({
      key: secretOf(finding),
      source: { path: finding.path, line: finding.line, ...(finding.commit ? { commit: finding.commit } : {}) },
    })),
  };
}

/** `post` is the management API client (KEYWARD_URL, KEYWARD_ROOT_KEY from the environment). */
export async function sendLeakReport(findings: readonly Finding[], post: (path: string, body: unknown) => Promise<unknown>): Promise<unknown> {
  return post(LEAK_REPORT_PATH, buildLeakReport(findings));
}
