// Keeps docs/errors.md and the catalogue equal: every code documented with its status, nothing extra.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { VERIFICATION_CODES } from "../core/index.js";
import { ERROR_CATALOGUE, problemType } from "./catalogue.js";

const doc = readFileSync(new URL("../../docs/errors.md", import.meta.url), "utf8");

function tableRows(section: string): string[][] {
  const body = doc.split(`## ${section}`)[1]?.split(/\n## /)[0] ?? "";
  return body
    .split("\n")
    .filter((line) => /^\| `[A-Z_]+` \|/.test(line))
    .map((line) => line.split("|").slice(1, -1).map((cell) => cell.trim()));
}

describe("error catalogue and docs/errors.md", () => {
  it("documents exactly the catalogue's codes with the same HTTP status", () => {
    const documented = Object.fromEntries(tableRows("Codes").map(([code, status]) => [code!.replaceAll("`", ""), Number(status)]));
    const catalogue = Object.fromEntries(Object.entries(ERROR_CATALOGUE).map(([code, spec]) => [code, spec.status]));
    expect(documented).toEqual(catalogue);
  });

  it("documents exactly the verification outcome codes, in check order", () => {
    const documented = tableRows("Verification outcomes").map(([code]) => code!.replaceAll("`", ""));
    expect(documented).toEqual([...VERIFICATION_CODES]);
  });

  it("gives every code an UPPER_SNAKE name, a 4xx/5xx status and a distinct problem type", () => {
    const types = new Set<string>();
    for (const [code, spec] of Object.entries(ERROR_CATALOGUE)) {
      expect(code).toMatch(/^[A-Z]+(_[A-Z]+)*$/);
      expect(spec.status).toBeGreaterThanOrEqual(400);
      expect(spec.status).toBeLessThan(600);
      types.add(problemType(code as keyof typeof ERROR_CATALOGUE));
    }
    expect(types.size).toBe(Object.keys(ERROR_CATALOGUE).length);
  });
});
