// SARIF output checked against what GitHub code scanning requires of an upload ("SARIF support for
// code scanning": sarifLog $schema/version/runs, run tool.driver + results, driver name and rules,
// rule id, short/full description and help, result ruleId/message/locations, physical locations with
// a relative artifact URI and a region, partialFingerprints), and against leaking the key.
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import AjvDraft04 from "ajv-draft-04";
import { describe, expect, it } from "vitest";
import { generateKey } from "../core/key-format.js";
import { createFinding, relocateFinding, type Finding } from "./finding.js";
import { formatJson } from "./format-json.js";
import { formatSarif } from "./format-sarif.js";
import { formatText } from "./format-text.js";
import type { ScanResult } from "./scan-result.js";

const live = generateKey("acme", "live", randomBytes).key;
const test = generateKey("kw", "test", randomBytes).key;
const at = (key: string, path: string, line: number, column: number): Finding =>
  createFinding({ key, line, column, endColumn: column + key.length, allowedInline: false }, { path });
const findings = [at(live, "config/prod env.yaml", 3, 9), relocateFinding(at(test, "src/a.ts", 10, 1), { commit: "c".repeat(40), commits: ["c".repeat(40)] })];
const result: ScanResult = {
  mode: "files",
  findings,
  allowed: [],
  stats: { scanned: 2, bytes: 100, skipped: { binary: 0, tooLarge: 0, symlinkOutside: 0, unreadable: 0 } },
  warnings: [],
  incomplete: false,
};
const tool = { version: "1.2.3", informationUri: "https://example.com/keyward" };
type Json = Record<string, any>;

/** Every property GitHub lists as required for an upload; returns the ones missing. */
function missingForGitHub(log: Json): string[] {
  const missing: string[] = [];
  const need = (ok: unknown, what: string) => ok || missing.push(what);
  need(typeof log.$schema === "string" && log.$schema.includes("sarif"), "$schema");
  need(log.version === "2.1.0", "version");
  need(Array.isArray(log.runs) && log.runs.length > 0, "runs");
  for (const run of log.runs ?? []) {
    const driver = run.tool?.driver;
    need(typeof driver?.name === "string", "tool.driver.name");
    need(/^https?:\/\//.test(driver?.informationUri ?? ""), "tool.driver.informationUri");
    need(Array.isArray(run.results), "results");
    const rules: Json[] = driver?.rules ?? [];
    for (const rule of rules) {
      need(typeof rule.id === "string", "rule.id");
      need(typeof rule.shortDescription?.text === "string", `${rule.id}.shortDescription.text`);
      need(typeof rule.fullDescription?.text === "string", `${rule.id}.fullDescription.text`);
      need(typeof rule.help?.text === "string" && typeof rule.help?.markdown === "string", `${rule.id}.help`);
      need(Array.isArray(rule.properties?.tags), `${rule.id}.properties.tags`);
      const severity = Number(rule.properties?.["security-severity"]);
      need(typeof rule.properties?.["security-severity"] === "string" && severity >= 0 && severity <= 10, `${rule.id}.security-severity`);
    }
    for (const item of run.results ?? []) {
      need(rules.some((rule) => rule.id === item.ruleId), "result.ruleId");
      need(rules[item.ruleIndex]?.id === item.ruleId, "result.ruleIndex");
      need(["none", "note", "warning", "error"].includes(item.level), "result.level");
      need(typeof item.message?.text === "string", "result.message.text");
      need(Array.isArray(item.locations) && item.locations.length >= 1 && item.locations.length <= 10, "result.locations");
      const physical = item.locations?.[0]?.physicalLocation;
      const uri: string = physical?.artifactLocation?.uri ?? "";
      need(uri && !uri.includes("\\") && !/^[a-z]+:/i.test(uri) && !uri.startsWith("/"), "artifactLocation.uri (relative)");
      const region = physical?.region ?? {};
      need(Number.isInteger(region.startLine) && region.startLine >= 1, "region.startLine");
      need(Number.isInteger(region.startColumn) && region.endColumn > region.startColumn, "region.startColumn/endColumn");
      need(item.partialFingerprints && Object.values(item.partialFingerprints).every((value) => typeof value === "string"), "partialFingerprints");
    }
  }
  return missing;
}

/**
 * The OASIS SARIF 2.1.0 JSON schema (draft-04), as Microsoft's SARIF tooling ships it
 * (@microsoft/jest-sarif, a development dependency), compiled once.
 */
const validateSarif = (() => {
  const schema = createRequire(import.meta.url)("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json") as object;
  // unicodeRegExp: false — one pattern of the published schema is not valid as a `u` regular expression.
  const ajv = new AjvDraft04.default({ allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false });
  return ajv.compile(schema);
})();

describe("formatSarif", () => {
  const log = JSON.parse(formatSarif(result, tool)) as Json;
  const results: Json[] = log.runs[0].results;

  it("is valid against the SARIF 2.1.0 JSON schema, with findings and without", () => {
    expect(validateSarif(log), JSON.stringify(validateSarif.errors)).toBe(true);
    const empty = JSON.parse(formatSarif({ ...result, findings: [] }, tool));
    expect(validateSarif(empty), JSON.stringify(validateSarif.errors)).toBe(true);
    // The validator does refuse what breaks the schema.
    expect(validateSarif({ ...log, runs: [{ ...log.runs[0], results: [{ ...results[0], level: "fatal" }] }] })).toBe(false);
  });

  it("has every property GitHub code scanning requires", () => {
    expect(missingForGitHub(log)).toEqual([]);
    expect(missingForGitHub({ ...log, version: "2.0.0" })).toEqual(["version"]);
  });

  it("maps live keys to an error, test keys to a warning, with regions and URI-encoded relative paths", () => {
    expect(results.map((item) => [item.ruleId, item.level])).toEqual([
      ["keyward/live-key", "error"],
      ["keyward/test-key", "warning"],
    ]);
    expect(results[0]!.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: "config/prod%20env.yaml", uriBaseId: "%SRCROOT%" },
      region: { startLine: 3, startColumn: 9, endLine: 3, endColumn: 9 + live.length },
    });
    expect(results[1]!.properties).toMatchObject({ commit: "c".repeat(40) });
  });

  it("fingerprints the key (stable across runs) and its place (copies in two files stay two alerts)", () => {
    const again = JSON.parse(formatSarif(result, tool)) as Json;
    expect(again.runs[0].results.map((item: Json) => item.partialFingerprints)).toEqual(results.map((item) => item.partialFingerprints));
    expect(results[0]!.partialFingerprints["keywardKeyFingerprint/v1"]).toBe(findings[0]!.fingerprint);
    const moved = JSON.parse(formatSarif({ ...result, findings: [relocateFinding(findings[0]!, { path: "other.yaml" })] }, tool)) as Json;
    expect(moved.runs[0].results[0].partialFingerprints["keywardKeyLocation/v1"]).not.toBe(results[0]!.partialFingerprints["keywardKeyLocation/v1"]);
  });
});

describe("no output format holds a whole key", () => {
  it("text, JSON and SARIF show the start and the fingerprint only", () => {
    const outputs = [formatSarif(result, tool), formatJson(result, 1), formatText(result, 1).stdout, formatText(result, 1).stderr];
    for (const output of outputs) {
      for (const key of [live, test]) {
        expect(output).not.toContain(key);
        // Nor any run of the body longer than the display start.
        expect(output).not.toContain(key.slice(key.length - 10));
      }
    }
    expect(formatText(result, 1).stdout).toContain(`${findings[0]!.start}…`);
    expect(JSON.stringify(findings)).not.toContain(live);
  });
});
