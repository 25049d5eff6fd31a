import { describe, expect, it } from "vitest";
import { printRecord, printTable } from "./output.js";

function capture(print: (write: (text: string) => void) => void): string {
  let out = "";
  print((text) => (out += text));
  return out;
}

describe("printTable", () => {
  it("aligns columns under headings made from the field names", () => {
    const out = capture((write) => printTable([{ id: "api_1", createdAt: "2030-01-01", tags: ["a", "b"] }, { id: "api_22", createdAt: null }], ["id", "createdAt", "tags"], write));
    expect(out).toBe(["ID      CREATED AT  TAGS", "api_1   2030-01-01  a,b", "api_22  -           -", ""].join("\n"));
  });

  it("says (none) for an empty list", () => {
    expect(capture((write) => printTable([], ["id"], write))).toBe("(none)\n");
  });

  it("escapes control characters so a name cannot rewrite the operator's terminal", () => {
    const out = capture((write) => printTable([{ name: "evil\u001b[2J\nrow" }], ["name"], write));
    expect(out).toBe("NAME\nevil\\u001b[2J\\u000arow\n");
  });
});

describe("printRecord", () => {
  it("prints one aligned line per field, objects as JSON, escaping control characters", () => {
    const out = capture((write) => printRecord({ id: "key_1", permissions: ["a:b"], name: "x\ry", expiresAt: null }, write));
    expect(out).toBe(['id           key_1', 'permissions  ["a:b"]', "name         x\\u000dy", "expiresAt    -", ""].join("\n"));
  });
});
