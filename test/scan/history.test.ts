// `--git` on real temporary repositories: keys that only exist in history are found with the commit
// that added them, every blob is read once through one cat-file, look-alikes are not reported.
import { afterAll, describe, expect, it } from "vitest";
import { checksumOf } from "../../src/core/key-format.js";
import { createGit, createProgress, formatProgress, scanHistory, ScanError } from "../../src/scan/index.js";
import { commitAll, git, makeRepo, newKey, removeTempDirs, tempDir, write } from "./support.js";

afterAll(removeTempDirs);

const MB = 1024 * 1024;

describe("scanHistory", () => {
  it("finds a key added in an old commit and deleted in a later one, with the commit that added it", async () => {
    const repo = makeRepo("buried");
    const key = newKey();
    write(repo, { "README.md": "hello\n" });
    commitAll(repo, "first");
    write(repo, { "config/app.yaml": `name: demo\napi:\n  key: ${key}\n` });
    const added = commitAll(repo, "add config");
    write(repo, { "config/app.yaml": "name: demo\napi:\n  key: ${KEYWARD_KEY}\n" });
    commitAll(repo, "remove the key");
    for (let i = 0; i < 3; i++) {
      write(repo, { "README.md": `hello ${i}\n` });
      commitAll(repo, `later ${i}`);
    }
    const result = await scanHistory(repo, { git: createGit(), maxFileSize: 10 * MB });
    expect(result.findings).toEqual([
      expect.objectContaining({ path: "config/app.yaml", line: 3, column: 8, commit: added, commits: [added], prefix: "acme", environment: "live" }),
    ]);
  });

  it("reads each blob once, through one cat-file, and reports a blob kept across many commits once", async () => {
    const repo = makeRepo("once");
    const key = newKey("kw", "test");
    write(repo, { ".env": `KEY=${key}\n` });
    const first = commitAll(repo, "key");
    for (let i = 0; i < 15; i++) {
      write(repo, { [`notes/${i}.md`]: `note ${i}\n` });
      commitAll(repo, `note ${i}`);
    }
    // Same content at a second path, and on a second branch: still one blob.
    git(repo, "checkout", "-q", "-b", "side");
    write(repo, { "copy/.env": `KEY=${key}\n` });
    commitAll(repo, "copy");
    const spawned: string[][] = [];
    const result = await scanHistory(repo, { git: createGit((args) => spawned.push([...args])), maxFileSize: 10 * MB });

    const blobs = git(repo, "rev-list", "--objects", "--all", "--filter=object:type=blob").split("\n").filter((line) => line.includes(" "));
    expect(spawned.filter((args) => args.includes("cat-file"))).toHaveLength(1);
    expect(result.history.blobs).toBe(blobs.length);
    expect(result.stats.scanned).toBe(blobs.length);
    expect(result.findings).toEqual([expect.objectContaining({ path: ".env", commit: first, line: 1, column: 5 })]);
  });

  it("finds a key that lives only on a branch that was never merged, and one across edits once per path", async () => {
    const repo = makeRepo("branch");
    write(repo, { "a.txt": "a\n" });
    commitAll(repo, "base");
    const [onBranch, edited] = [newKey("beta"), newKey()];
    git(repo, "checkout", "-q", "-b", "experiment");
    write(repo, { "exp/secret.ts": `export const k = "${onBranch}";\n` });
    const branchCommit = commitAll(repo, "experiment");
    git(repo, "checkout", "-q", "main");
    write(repo, { "edited.env": `A=${edited}\n` });
    const introduced = commitAll(repo, "edited 0");
    for (let i = 1; i < 4; i++) {
      write(repo, { "edited.env": `${"# comment\n".repeat(i)}A=${edited}\n` });
      commitAll(repo, `edited ${i}`);
    }
    const result = await scanHistory(repo, { git: createGit(), maxFileSize: 10 * MB });
    expect(result.findings.map((finding) => [finding.path, finding.line, finding.commit])).toEqual([
      ["edited.env", 1, introduced],
      ["exp/secret.ts", 1, branchCommit],
    ]);
  });

  it("does not report look-alikes: wrong checksum, wrong environment, body too short", async () => {
    const repo = makeRepo("lookalike");
    const key = newKey();
    const wrongChecksum = key.slice(0, -1) + (key.endsWith("a") ? "b" : "a");
    const payload = `acme_prod_${"Q".repeat(24)}`;
    const shortPayload = `acme_live_${"Q".repeat(21)}`;
    write(repo, { "x.txt": `${wrongChecksum}\n${payload}${checksumOf(payload)}\n${shortPayload}${checksumOf(shortPayload)}\n` });
    commitAll(repo, "look-alikes");
    const result = await scanHistory(repo, { git: createGit(), maxFileSize: 10 * MB });
    expect(result.findings).toEqual([]);
    expect(result.stats.scanned).toBe(1);
  });

  it("skips binary blobs and blobs above the size limit", async () => {
    const repo = makeRepo("sizes");
    const key = newKey();
    write(repo, { "bin.dat": Buffer.concat([Buffer.from([0]), Buffer.from(key)]), "big.txt": `${"y".repeat(MB + 10)}${key}\n`, "ok.txt": `${key}\n` });
    commitAll(repo, "sizes");
    const result = await scanHistory(repo, { git: createGit(), maxFileSize: MB });
    expect(result.findings.map((finding) => finding.path)).toEqual(["ok.txt"]);
    expect(result.stats.skipped.binary).toBe(1);
  });

  it("is clean on an empty repository and refuses a folder that is not one", async () => {
    expect((await scanHistory(makeRepo("empty"), { git: createGit(), maxFileSize: MB })).findings).toEqual([]);
    await expect(scanHistory(tempDir("plain"), { git: createGit(), maxFileSize: MB })).rejects.toThrow(ScanError);
  });

  it("reports progress to a terminal while reading, and clears it at the end", async () => {
    const repo = makeRepo("progress");
    write(repo, { "a.txt": "a\n", "b.txt": "b\n" });
    commitAll(repo, "two files");
    const written: string[] = [];
    let now = 0;
    const progress = createProgress({ isTTY: true, write: (text: string) => written.push(text) }, () => (now += 1_000));
    await scanHistory(repo, { git: createGit(), maxFileSize: MB, ...(progress ? { progress } : {}) });
    expect(written.at(-2)).toMatch(/^\rscanning history \[#+-*\] 2\/3 objects/);
    expect(written.at(-1)).toBe("\r\x1b[K");
  });

  it("draws progress as objects done of objects listed", () => {
    expect(formatProgress(50, 200, 12_345_678)).toBe(`scanning history [${"#".repeat(6)}${"-".repeat(18)}] 50/200 objects, 12.3 MB`);
  });
});
