// Keeps docs/audit.md's action table and the catalogue equal: every action with its target type.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AUDIT_ACTIONS } from "./actions.js";

const doc = readFileSync(new URL("../../../docs/audit.md", import.meta.url), "utf8");

describe("audit action catalogue and docs/audit.md", () => {
  it("documents exactly the catalogue's actions, with their target types, in order", () => {
    const section = doc.split("## Actions")[1]?.split(/\n## /)[0] ?? "";
    const rows = section
      .split("\n")
      .filter((line) => /^\| `[a-z_]+\.[a-z_]+` \|/.test(line))
      .map((line) => line.split("|").slice(1, 3).map((cell) => cell.trim().replaceAll("`", "")));
    expect(rows).toEqual(Object.entries(AUDIT_ACTIONS));
  });

  it("names actions <target type>.<verb> in lower case", () => {
    for (const [action, target] of Object.entries(AUDIT_ACTIONS)) expect(action.startsWith(`${target}.`), action).toBe(true);
  });
});
