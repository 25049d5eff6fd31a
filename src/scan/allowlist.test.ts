// .keyward-scan-allow: fingerprints for any key, display starts for test keys only.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateKey } from "../core/key-format.js";
import { parseAllowlist } from "./allowlist.js";
import { createFinding } from "./finding.js";

const finding = (env: "live" | "test") => createFinding({ key: generateKey("acme", env, randomBytes).key, line: 1, column: 1, endColumn: 41, allowedInline: false }, { path: "a" });

describe("parseAllowlist", () => {
  it("allows a key by fingerprint (16 hex digits or the whole SHA-256), with comments", () => {
    const live = finding("live");
    expect(parseAllowlist(`# fixtures\n${live.fingerprint}  # the demo key\n`).allows(live)).toBe(true);
    expect(parseAllowlist(`${live.fingerprint}${"0".repeat(48)}\n`).allows(live)).toBe(true);
    expect(parseAllowlist("0123456789abcdef\n").allows(live)).toBe(false);
  });

  it("allows a test key by its display start, never a live one", () => {
    const test = finding("test");
    const live = finding("live");
    expect(parseAllowlist(test.start).allows(test)).toBe(true);
    const list = parseAllowlist(live.start);
    expect(list.allows(live)).toBe(false);
    expect(list.warnings).toEqual([expect.stringContaining(":1: a live key can only be allowed by its fingerprint")]);
  });

  it("warns about lines it does not understand, without repeating them (one might be a pasted key)", () => {
    const key = generateKey("acme", "live", randomBytes).key;
    const list = parseAllowlist(`\n${key}\n`);
    expect(list.size).toBe(0);
    expect(list.warnings).toHaveLength(1);
    expect(list.warnings[0]).toMatch(/^\.keyward-scan-allow:2: /);
    expect(list.warnings[0]).not.toContain(key.slice(10));
  });
});
