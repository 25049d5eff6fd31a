// SARIF 2.1.0 for GitHub code scanning (upload with github/codeql-action/upload-sarif). GitHub reads
// rules' short/full descriptions and help, `security-severity`, each result's ruleId, message, first
// location (repository-relative URI and region) and partialFingerprints, which keep alerts stable
// across runs. Columns are UTF-16 code units, SARIF's default.
import { hashKey } from "../core/key-format.js";
import { ALLOWLIST_FILE } from "./allowlist.js";
import type { Finding } from "./finding.js";
import type { ScanResult } from "./scan-result.js";

export const SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
export const SARIF_SRCROOT = "%SRCROOT%";

export interface SarifTool {
  version: string;
  informationUri: string;
}

const HELP_TEXT = [
  "A Keyward API key was found in a file or in the history of the repository. Anyone who can read the",
  "repository can use it. Treat a live key as leaked: revoke or rotate it in Keyward at once (the",
  "finding's fingerprint is the start of the key's SHA-256, the hash Keyward stores), then remove it",
  "from the code. Removing it in a new commit does not remove it from the history.",
  `A deliberate test key (a fixture, an example) can be allowed by adding its fingerprint to ${ALLOWLIST_FILE}`,
  "or by putting `keyward-scan:allow` on its line.",
].join(" ");

const rule = (id: string, name: string, level: "error" | "warning", severity: string, short: string, full: string) => ({
  id,
  name,
  shortDescription: { text: short },
  fullDescription: { text: full },
  help: { text: HELP_TEXT, markdown: `**${short}**\n\n${HELP_TEXT.replace(ALLOWLIST_FILE, `\`${ALLOWLIST_FILE}\``)}` },
  defaultConfiguration: { level },
  properties: { tags: ["security", "secret", "external/cwe/cwe-798"], precision: "very-high", "problem.severity": level, "security-severity": severity },
});

export const SARIF_RULES = [
  rule(
    "keyward/live-key",
    "KeywardLiveKey",
    "error",
    "9.1",
    "Keyward live API key in the repository",
    "A checksum-valid Keyward key of the live environment is present in the repository. Live keys reach production APIs and must never be committed.",
  ),
  rule(
    "keyward/test-key",
    "KeywardTestKey",
    "warning",
    "5.3",
    "Keyward test API key in the repository",
    "A checksum-valid Keyward key of the test environment is present in the repository. Test keys reach test data only, but are secrets all the same.",
  ),
] as const;

/** Repository-relative paths become relative URIs; paths outside the scan base, file URIs. */
export function artifactLocation(path: string): { uri: string; uriBaseId?: string } {
  const encoded = path.split("/").map(encodeURIComponent).join("/");
  return path.startsWith("/") ? { uri: `file://${encoded}` } : { uri: encoded, uriBaseId: SARIF_SRCROOT };
}

function sarifResult(finding: Finding) {
  const ruleIndex = finding.environment === "live" ? 0 : 1;
  const where = finding.commit ? ` It was added in commit ${finding.commit}.` : "";
  return {
    ruleId: SARIF_RULES[ruleIndex].id,
    ruleIndex,
    level: SARIF_RULES[ruleIndex].defaultConfiguration.level,
    message: {
      text: `Keyward ${finding.environment} key ${finding.start}… (fingerprint ${finding.fingerprint}).${where} Revoke or rotate it, then remove it.`,
    },
    locations: [
      {
        physicalLocation: {
          artifactLocation: artifactLocation(finding.path),
          region: { startLine: finding.line, startColumn: finding.column, endLine: finding.line, endColumn: finding.endColumn },
        },
      },
    ],
    // The key's fingerprint identifies the secret; the second one tells its copies in two files apart.
    partialFingerprints: {
      "keywardKeyFingerprint/v1": finding.fingerprint,
      "keywardKeyLocation/v1": hashKey(`${finding.fingerprint}\0${finding.path}`).slice(0, 32),
    },
    properties: {
      prefix: finding.prefix,
      environment: finding.environment,
      start: finding.start,
      fingerprint: finding.fingerprint,
      ...(finding.commit ? { commit: finding.commit, commits: finding.commits ?? [finding.commit] } : {}),
    },
  };
}

export function formatSarif(result: ScanResult, tool: SarifTool): string {
  const log = {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "Keyward", semanticVersion: tool.version, version: tool.version, informationUri: tool.informationUri, rules: SARIF_RULES } },
        invocations: [{ executionSuccessful: !result.incomplete }],
        columnKind: "utf16CodeUnits",
        results: result.findings.map(sarifResult),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
