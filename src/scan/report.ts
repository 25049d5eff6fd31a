// `--report`: findings sent to a Keyward server, which revokes (or disables) the live keys among them.
// The one place a whole key leaves the scanner: the server needs it to find the key by its hash.
// The endpoint is POST /v1/leaks (root key with `leaks:report`); its schema is src/server/schemas/leaks.ts.
import { MAX_LEAK_FINDINGS } from "../core/leaks/leak-token.js";
import { secretOf, type Finding } from "./finding.js";

export const LEAK_REPORT_PATH = "/v1/leaks";

export interface LeakReport {
  findings: { key: string; source: { path: string; line: number; commit?: string } }[];
}

/** What the server answers per finding (the key's id and start, never the key). */
export interface LeakReportAnswer {
  outcome: string;
  keyId: string | null;
  start: string | null;
}

export function buildLeakReport(findings: readonly Finding[]): LeakReport {
  return {
    findings: findings.map((finding) => ({
      key: secretOf(finding),
      source: { path: finding.path, line: finding.line, ...(finding.commit ? { commit: finding.commit } : {}) },
    })),
  };
}

/**
 * Sends the findings in reports of at most MAX_LEAK_FINDINGS (the server's bound), in order; returns the
 * server's answers in the order of `findings`. `post` is the management API client (KEYWARD_URL,
 * KEYWARD_ROOT_KEY from the environment).
 */
export async function sendLeakReport(findings: readonly Finding[], post: (path: string, body: unknown) => Promise<unknown>): Promise<LeakReportAnswer[]> {
  const answers: LeakReportAnswer[] = [];
  for (let from = 0; from < findings.length; from += MAX_LEAK_FINDINGS) {
    const answer = (await post(LEAK_REPORT_PATH, buildLeakReport(findings.slice(from, from + MAX_LEAK_FINDINGS)))) as { results?: unknown } | null;
    if (Array.isArray(answer?.results)) answers.push(...(answer.results as LeakReportAnswer[]));
  }
  return answers;
}

/** "2 revoked, 1 unknown": how many findings got each outcome, in the order they first appear. */
export function summarizeLeakAnswers(answers: readonly LeakReportAnswer[]): string {
  const counts = new Map<string, number>();
  for (const { outcome } of answers) counts.set(String(outcome), (counts.get(String(outcome)) ?? 0) + 1);
  return [...counts].map(([outcome, count]) => `${count} ${outcome.replaceAll("_", " ")}`).join(", ");
}
