// `--staged` reads the index, not the work tree: what the next commit would contain.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createGit, scanStaged, ScanError } from "../../src/scan/index.js";
import { commitAll, git, makeRepo, newKey, removeTempDirs, tempDir, write } from "./support.js";

afterAll(removeTempDirs);

const scan = (cwd: string) => scanStaged(cwd, { git: createGit(), maxFileSize: 1024 * 1024 });
const places = async (cwd: string) => (await scan(cwd)).findings.map((finding) => `${finding.path}:${finding.line}:${finding.column}`);

describe("scanStaged", () => {
  it("scans staged content even when the work tree no longer holds the key, and works before the first commit", async () => {
    const repo = makeRepo("staged");
    write(repo, { "src/app.env": `A=1\nKEY=${newKey()}\n` });
    git(repo, "add", "src/app.env");
    write(repo, { "src/app.env": "A=1\n" });
    expect(await places(repo)).toEqual(["src/app.env:2:5"]);
    // From a subfolder, paths stay relative to the repository root.
    expect(await places(join(repo, "src"))).toEqual(["src/app.env:2:5"]);
  });

  it("ignores keys that are only in the work tree, committed files that are not staged, and staged deletions", async () => {
    const repo = makeRepo("unstaged");
    write(repo, { "old.env": `${newKey()}\n`, "gone.env": `${newKey()}\n` });
    commitAll(repo, "old");
    write(repo, { "new.env": `${newKey()}\n`, "clean.txt": "nothing\n" });
    git(repo, "add", "clean.txt");
    rmSync(join(repo, "gone.env"));
    git(repo, "add", "gone.env");
    expect(await places(repo)).toEqual([]);
  });

  it("reports the same staged content at each of its paths", async () => {
    const repo = makeRepo("twice");
    const content = `${newKey("kw", "test")}\n`;
    write(repo, { "a.txt": content, "b/c.txt": content });
    git(repo, "add", "-A");
    expect(await places(repo)).toEqual(["a.txt:1:1", "b/c.txt:1:1"]);
  });

  it("refuses to run outside a git work tree", async () => {
    await expect(scan(tempDir("plain"))).rejects.toThrow(ScanError);
  });
});
