// The .gitignore matcher used outside git repositories, on the patterns projects actually write.
import { describe, expect, it } from "vitest";
import { matchIgnore, parseGitignore } from "./gitignore.js";

const ignores = (patterns: string, path: string, isDir = false) => matchIgnore(parseGitignore(patterns), path, isDir) === "ignore";

describe("parseGitignore + matchIgnore", () => {
  it("matches a name without a slash at any depth", () => {
    expect(ignores("*.log", "a.log")).toBe(true);
    expect(ignores("*.log", "deep/er/a.log")).toBe(true);
    expect(ignores("*.log", "a.log.txt")).toBe(false);
    expect(ignores("node_modules", "pkg/node_modules", true)).toBe(true);
  });

  it("anchors a pattern with a leading or inner slash to the .gitignore's folder", () => {
    expect(ignores("/build", "build", true)).toBe(true);
    expect(ignores("/build", "src/build", true)).toBe(false);
    expect(ignores("docs/*.md", "docs/a.md")).toBe(true);
    expect(ignores("docs/*.md", "x/docs/a.md")).toBe(false);
    expect(ignores("docs/*.md", "docs/sub/a.md")).toBe(false);
  });

  it("applies a trailing slash to folders only", () => {
    expect(ignores("out/", "out", true)).toBe(true);
    expect(ignores("out/", "out", false)).toBe(false);
  });

  it("supports **, ?, classes and escapes", () => {
    expect(ignores("**/secrets", "a/b/secrets", true)).toBe(true);
    expect(ignores("**/secrets", "secrets", true)).toBe(true);
    expect(ignores("logs/**", "logs/x/y.txt")).toBe(true);
    expect(ignores("a/**/b", "a/b")).toBe(true);
    expect(ignores("a/**/b", "a/x/y/b")).toBe(true);
    expect(ignores("file?.txt", "file1.txt")).toBe(true);
    expect(ignores("file?.txt", "file10.txt")).toBe(false);
    expect(ignores("*.[oa]", "lib.a")).toBe(true);
    expect(ignores("*.[!oa]", "lib.a")).toBe(false);
    expect(ignores("\\#notes", "#notes")).toBe(true);
    expect(ignores("name\\ ", "name ")).toBe(true);
  });

  it("lets the last matching rule decide, so `!` re-includes", () => {
    expect(ignores("*.env\n!example.env", "example.env")).toBe(false);
    expect(ignores("*.env\n!example.env", "prod.env")).toBe(true);
    expect(matchIgnore(parseGitignore("# comment\n\n"), "x", false)).toBeUndefined();
  });
});
