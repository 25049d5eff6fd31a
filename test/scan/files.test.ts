// Folder scans: .gitignore honoured (by git inside a repository, by our matcher outside), binaries and
// huge files skipped, symlinks out of the tree not followed, stdin, and bad paths refused.
import { chmodSync, symlinkSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createGit, parseAllowlist, scanPaths, ScanError, type ScanResult } from "../../src/scan/index.js";
import { commitAll, makeRepo, newKey, removeTempDirs, tempDir, write } from "./support.js";

afterAll(removeTempDirs);

const MB = 1024 * 1024;
const scan = (cwd: string, paths: string[] = [], extra: Partial<Parameters<typeof scanPaths>[1]> = {}) =>
  scanPaths(paths, { git: createGit(), cwd, maxFileSize: 10 * MB, ...extra });
const places = (result: ScanResult) => result.findings.map((finding) => `${finding.path}:${finding.line}:${finding.column}`);

/** The same tree, scanned inside and outside a git repository. */
function plantTree(root: string) {
  const keys = { kept: newKey(), ignored: newKey(), nested: newKey(), reincluded: newKey(), deep: newKey("kw", "test") };
  write(root, {
    ".gitignore": "*.log\n/build/\nsecrets/\n!keep.log\n",
    "app/config.env": `API_KEY=${keys.kept}\n`,
    "app/debug.log": `key ${keys.ignored}\n`,
    "keep.log": `x\n  ${keys.reincluded}\n`,
    "build/out.js": `const k = "${keys.ignored}";\n`,
    "lib/secrets/a.json": `{"key": "${keys.ignored}"}\n`,
    "lib/.gitignore": "*.tmp\n",
    "lib/cache.tmp": `${keys.ignored}\n`,
    "lib/deep/x.ts": `// one\n// two\nexport const key = '${keys.deep}';\n`,
    "notes.md": `no keys, only is_live_stream and acme_live_${"x".repeat(30)}\n`,
  });
  return keys;
}

describe.each([
  ["outside a git repository (own .gitignore matcher)", false],
  ["inside a git repository (git ls-files)", true],
])("scanning a folder %s", (_name, inRepo) => {
  it("reports keys in files that are not ignored, and none in ignored ones", async () => {
    const root = inRepo ? makeRepo("tree") : tempDir("tree");
    const keys = plantTree(root);
    const result = await scan(root);
    expect(places(result)).toEqual(["app/config.env:1:9", "keep.log:2:3", "lib/deep/x.ts:3:21"]);
    expect(result.findings.map((finding) => [finding.prefix, finding.environment])).toEqual([
      ["acme", "live"],
      ["acme", "live"],
      ["kw", "test"],
    ]);
    expect(result.findings.map((finding) => finding.start)).toEqual([keys.kept, keys.reincluded, keys.deep].map((key) => key.slice(0, key.lastIndexOf("_") + 5)));
    expect(result.incomplete).toBe(false);
  });

  it("skips binary files (a NUL in the first 8 KB) and files above the size limit", async () => {
    const root = inRepo ? makeRepo("skip") : tempDir("skip");
    const key = newKey();
    write(root, {
      "image.png": Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0]), Buffer.from(key)]),
      "late-nul.txt": Buffer.concat([Buffer.from(`${key}\n`), Buffer.alloc(9000, 0x20), Buffer.from([0])]),
      "big.txt": `${"x".repeat(2 * MB)}\n${key}\n`,
      "small.txt": `${key}\n`,
    });
    const result = await scan(root, [], { maxFileSize: MB });
    expect(places(result)).toEqual(["late-nul.txt:1:1", "small.txt:1:1"]);
    expect(result.stats.skipped).toMatchObject({ binary: 1, tooLarge: 1 });
  });

  it("does not follow symlinks: one out of the tree is counted, one inside is scanned once at its own path", async () => {
    const outside = tempDir("outside");
    write(outside, { "secret.env": `${newKey()}\n` });
    const root = inRepo ? makeRepo("links") : tempDir("links");
    const key = newKey();
    write(root, { "real/inside.env": `${key}\n` });
    symlinkSync(join(outside, "secret.env"), join(root, "out-file.env"));
    symlinkSync(outside, join(root, "out-dir"));
    symlinkSync(join(root, "real"), join(root, "loop"));
    symlinkSync(join(root, "real", "inside.env"), join(root, "alias.env"));
    if (inRepo) commitAll(root, "links");
    const result = await scan(root);
    expect(places(result)).toEqual(["real/inside.env:1:1"]);
    expect(result.stats.skipped.symlinkOutside).toBe(2);
  });
});

describe("git specifics", () => {
  it("scans a tracked file even when an ignore pattern matches it (it is pushed), and honours info/exclude", async () => {
    const repo = makeRepo("tracked");
    write(repo, { "tracked.log": `${newKey()}\n` });
    commitAll(repo, "tracked");
    write(repo, { ".gitignore": "*.log\n", "untracked.log": `${newKey()}\n`, "excluded.txt": `${newKey()}\n` });
    write(repo, { ".git/info/exclude": "excluded.txt\n" });
    expect(places(await scan(repo))).toEqual(["tracked.log:1:1"]);
  });

  it("reports paths relative to the repository root, and scans only the folder asked for", async () => {
    const repo = makeRepo("sub");
    write(repo, { "a/x.env": `${newKey()}\n`, "b/y.env": `${newKey()}\n` });
    expect(places(await scan(join(repo, "b"), ["."]))).toEqual(["b/y.env:1:1"]);
    expect(places(await scan(join(repo, "b"), ["../a"]))).toEqual(["a/x.env:1:1"]);
  });
});

describe("arguments and sources", () => {
  it("reads stdin for -", async () => {
    const key = newKey("kw", "test");
    const result = await scan(tempDir("stdin"), ["-"], { readStdin: async () => Buffer.from(`line\n  ${key}\n`) });
    expect(places(result)).toEqual(["-:2:3"]);
  });

  it("reads a file named on the command line even when it is ignored", async () => {
    const root = tempDir("named");
    write(root, { ".gitignore": "*.env\n", "a.env": `${newKey()}\n` });
    expect(places(await scan(root))).toEqual([]);
    expect(places(await scan(root, ["a.env"]))).toEqual(["a.env:1:1"]);
  });

  it("refuses a path that does not exist, before scanning anything", async () => {
    await expect(scan(tempDir("missing"), [".", "nope"])).rejects.toThrow(ScanError);
    await expect(scan(tempDir("missing"), ["nope"])).rejects.toThrow(/cannot read nope: no such file/);
  });

  it("marks the scan incomplete when a named file cannot be read (a socket: open fails even for root)", async () => {
    const root = tempDir("socket");
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(join(root, "app.sock"), resolve));
    try {
      const result = await scan(root, ["app.sock"]);
      expect(result.incomplete).toBe(true);
      expect(result.stats.skipped.unreadable).toBe(1);
      expect(result.warnings).toEqual([expect.stringMatching(/^cannot read app\.sock: /)]);
    } finally {
      server.close();
    }
  });

  it.skipIf(process.getuid?.() === 0)("marks the scan incomplete when a file cannot be read", async () => {
    const root = tempDir("unreadable");
    write(root, { "locked.env": `${newKey()}\n` });
    chmodSync(join(root, "locked.env"), 0);
    const result = await scan(root);
    expect(result.incomplete).toBe(true);
    expect(result.stats.skipped.unreadable).toBe(1);
  });

  it("moves allowlisted and inline-allowed keys aside", async () => {
    const root = tempDir("allow");
    const [fixture, inline, real] = [newKey("acme", "test"), newKey("acme", "test"), newKey()];
    write(root, { "a.ts": `const fixture = "${fixture}";\nconst other = "${inline}"; // keyward-scan:allow\nconst real = "${real}";\n` });
    const first = await scan(root);
    expect(places(first)).toEqual(["a.ts:1:18", "a.ts:3:15"]);
    const allowlist = parseAllowlist(`${first.findings[0]!.fingerprint}\n`);
    const result = await scan(root, [], { allowlist });
    expect(places(result)).toEqual(["a.ts:3:15"]);
    expect(result.allowed.map((finding) => finding.line)).toEqual([1, 2]);
  });
});
