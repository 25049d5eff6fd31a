// The built `keyward scan` as CI runs it: exit codes, stdin, the three formats, and no whole key in
// any output of any mode, including errors.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt } from "../e2e/support/keyward-process.js";
import { commitAll, expectNoKey, keyward, makeRepo, newKey, removeTempDirs, tempDir, write, type Run } from "./support.js";

const planted: string[] = [];
const plant = (...args: Parameters<typeof newKey>) => {
  const key = newKey(...args);
  planted.push(key);
  return key;
};
const runs: Run[] = [];
async function run(args: string[], cwd: string, input?: string): Promise<Run> {
  const result = await keyward(args, { cwd, ...(input !== undefined ? { input } : {}) });
  runs.push(result);
  return result;
}

let repo = "";
let live = "";
let test = "";

beforeAll(async () => {
  await ensureBuilt();
  repo = makeRepo("cli");
  live = plant();
  test = plant("kw", "test");
  write(repo, { "deploy/prod.env": `KEYWARD_KEY=${live}\n`, "src/fixture.ts": `export const demo = "${test}";\n` });
  const added = commitAll(repo, "keys");
  write(repo, { "deploy/prod.env": "KEYWARD_KEY=${KEY}\n" });
  commitAll(repo, "remove");
  expect(added).toMatch(/^[0-9a-f]{40}$/);
}, 180_000);

afterAll(() => {
  // Every output of every run in this file, stdout and stderr, in every format and mode.
  for (const result of runs) expectNoKey(result.stdout + result.stderr, planted);
  expect(runs.length).toBeGreaterThan(10);
  removeTempDirs();
});

describe("keyward scan exit codes", () => {
  it("exits 1 when a key is found, printing path:line:column, environment, start and fingerprint", async () => {
    const result = await run(["scan"], repo);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^src\/fixture\.ts:1:22 {2}test key kw_test_\w{4}… {2}fingerprint [0-9a-f]{16}\n$/);
    expect(result.stdout).toContain(`${test.slice(0, 12)}…`);
    expect(result.stderr).toMatch(/1 key found \(0 live, 1 test\) in 2 files/);
  });

  it("exits 0 when clean", async () => {
    const clean = tempDir("clean");
    write(clean, { "a.txt": `nothing here but acme_live_${"z".repeat(30)}\n` });
    const result = await run(["scan", "."], clean);
    expect(result).toMatchObject({ code: 0, stdout: "" });
    expect(result.stderr).toMatch(/no keys found in 1 file/);
  });

  it("exits 2 on errors: a missing path, --git outside a repository, bad options", async () => {
    const plain = tempDir("plain");
    const cases = [
      ["scan", "does-not-exist"],
      ["scan", "--git"],
      ["scan", "--staged"],
      ["scan", "--format", "xml"],
      ["scan", "--max-file-size", "lots"],
      ["scan", "--git", "--staged"],
      ["scan", "--allowlist", "missing.txt"],
    ];
    for (const args of cases) {
      const result = await run(args, plain);
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
      expect(result.stderr.length).toBeGreaterThan(0);
    }
  });

  it("reads stdin with -", async () => {
    const result = await run(["scan", "-", "--format", "json"], tempDir("stdin"), `header\n\t"${live}",\n`);
    expect(result.code).toBe(1);
    const document = JSON.parse(result.stdout) as { findings: Record<string, unknown>[] };
    expect(document.findings).toEqual([expect.objectContaining({ path: "-", line: 2, column: 3, environment: "live", prefix: "acme" })]);
  });
});

describe("keyward scan --git", () => {
  it("finds the key removed from the work tree, in text, JSON and SARIF", async () => {
    const text = await run(["scan", "--git"], repo);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^deploy\/prod\.env:1:13 {2}live key acme_live_\w{4}… {2}fingerprint [0-9a-f]{16} {2}commit [0-9a-f]{12}$/m);

    const json = await run(["scan", "--git", "--format", "json"], repo);
    const document = JSON.parse(json.stdout) as { mode: string; findings: { path: string; commit: string }[] };
    expect(document.mode).toBe("git");
    expect(document.findings.map((finding) => finding.path)).toEqual(["deploy/prod.env", "src/fixture.ts"]);

    const sarif = await run(["scan", "--git", "--format", "sarif"], repo);
    expect(sarif.code).toBe(1);
    const log = JSON.parse(sarif.stdout) as { version: string; runs: { results: { ruleId: string }[] }[] };
    expect(log.version).toBe("2.1.0");
    expect(log.runs[0]!.results.map((result) => result.ruleId)).toEqual(["keyward/live-key", "keyward/test-key"]);
  });

  it("draws no progress bar when stderr is not a terminal", async () => {
    const result = await run(["scan", "--git"], repo);
    expect(result.stderr).not.toContain("scanning history");
  });
});

describe("keyward scan --allowlist", () => {
  it("allows a deliberate test key by fingerprint, and exits 0 once nothing else is left", async () => {
    const dir = tempDir("allow");
    const key = plant("acme", "test");
    write(dir, { "fixture.json": `{"key": "${key}"}\n` });
    const first = await run(["scan", "--format", "json"], dir);
    const fingerprint = (JSON.parse(first.stdout) as { findings: { fingerprint: string }[] }).findings[0]!.fingerprint;
    write(dir, { ".keyward-scan-allow": `# fixtures\n${fingerprint}\n` });
    const second = await run(["scan"], dir);
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/1 allowed/);
  });
});
