// The pre-commit hook, installed by the built CLI, blocking a real `git commit`; the bypasses; and
// the manners: core.hooksPath respected, a foreign hook kept and chained, never overwritten without --force.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt } from "../e2e/support/keyward-process.js";
import { GIT_ENV, expectNoKey, git, keyward, makeRepo, newKey, removeTempDirs, write } from "./support.js";

beforeAll(ensureBuilt, 180_000);
afterAll(removeTempDirs);

const planted: string[] = [];
const plant = (...args: Parameters<typeof newKey>) => {
  const key = newKey(...args);
  planted.push(key);
  return key;
};

/** `git commit` as a developer runs it: the hook's output is in what git prints. */
function commit(repo: string, ...extra: string[]): { status: number | null; output: string } {
  const result = spawnSync("git", ["commit", "-q", "-m", "change", ...extra], { cwd: repo, env: { ...process.env, ...GIT_ENV }, encoding: "utf8" });
  const output = result.stdout + result.stderr;
  expectNoKey(output, planted);
  return { status: result.status, output };
}
const commits = (repo: string) => Number(git(repo, "rev-list", "--all", "--count"));

async function installed(repo: string, ...args: string[]): Promise<string> {
  const result = await keyward(["scan", "install-hook", ...args], { cwd: repo });
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  return result.stdout;
}

describe("keyward scan install-hook", () => {
  it("blocks a commit that stages a key, and lets the same commit through once the key is gone", async () => {
    const repo = makeRepo("hook");
    expect(await installed(repo)).toMatch(/^Installed the pre-commit hook at .*\.git\/hooks\/pre-commit\.\n$/);
    expect(statSync(join(repo, ".git/hooks/pre-commit")).mode & 0o111).toBeTruthy();

    write(repo, { "config.env": `KEYWARD_KEY=${plant()}\n` });
    git(repo, "add", "config.env");
    const blocked = commit(repo);
    expect(blocked.status).not.toBe(0);
    expect(blocked.output).toMatch(/config\.env:1:13 {2}live key acme_live_\w{4}…/);
    expect(commits(repo)).toBe(0);

    write(repo, { "config.env": "KEYWARD_KEY=${KEY}\n" });
    git(repo, "add", "config.env");
    expect(commit(repo).status).toBe(0);
    expect(commits(repo)).toBe(1);
  });

  it("lets a deliberate test key through by allowlist or inline marker; --no-verify skips the hook", async () => {
    const repo = makeRepo("bypass");
    await installed(repo);
    const fixture = plant("acme", "test");
    write(repo, { "test/fixture.ts": `export const key = "${fixture}";\n` });
    git(repo, "add", "-A");
    expect(commit(repo).status).not.toBe(0);

    const scan = await keyward(["scan", "--staged", "--format", "json"], { cwd: repo });
    const fingerprint = (JSON.parse(scan.stdout) as { findings: { fingerprint: string }[] }).findings[0]!.fingerprint;
    write(repo, { ".keyward-scan-allow": `${fingerprint}  # test/fixture.ts demo key\n` });
    git(repo, "add", "-A");
    expect(commit(repo).status).toBe(0);

    write(repo, { "test/other.ts": `const key = "${plant("acme", "test")}"; // keyward-scan:allow\n` });
    git(repo, "add", "-A");
    expect(commit(repo).status).toBe(0);

    write(repo, { "last-resort.env": `${plant()}\n` });
    git(repo, "add", "-A");
    expect(commit(repo).status).not.toBe(0);
    expect(commit(repo, "--no-verify").status).toBe(0);
    expect(commits(repo)).toBe(3);
  });

  it("installs where core.hooksPath points", async () => {
    const repo = makeRepo("hookspath");
    git(repo, "config", "core.hooksPath", ".githooks");
    expect(await installed(repo)).toContain(join(repo, ".githooks", "pre-commit"));
    expect(existsSync(join(repo, ".git/hooks/pre-commit"))).toBe(false);
    write(repo, { "a.env": `${plant()}\n` });
    git(repo, "add", "a.env");
    expect(commit(repo).status).not.toBe(0);
  });

  it("keeps a foreign hook and runs it first; updates in place; uninstall puts it back", async () => {
    const repo = makeRepo("chain");
    const foreign = "#!/bin/sh\necho ran >> \"$(git rev-parse --show-toplevel)/.foreign-ran\"\nexit ${FOREIGN_EXIT:-0}\n";
    write(repo, { ".git/hooks/pre-commit": foreign, ".gitignore": ".foreign-ran\n" });
    spawnSync("chmod", ["+x", join(repo, ".git/hooks/pre-commit")]);

    expect(await installed(repo)).toMatch(/The hook that was there is kept as .*pre-commit\.keyward-previous and runs first\./);
    expect(readFileSync(join(repo, ".git/hooks/pre-commit.keyward-previous"), "utf8")).toBe(foreign);

    write(repo, { "clean.txt": "nothing\n" });
    git(repo, "add", "-A");
    expect(commit(repo).status).toBe(0);
    expect(readFileSync(join(repo, ".foreign-ran"), "utf8")).toBe("ran\n");

    // The foreign hook's refusal still refuses, even with nothing for us to find.
    write(repo, { "clean.txt": "still nothing\n" });
    git(repo, "add", "-A");
    const refused = spawnSync("git", ["commit", "-q", "-m", "x"], { cwd: repo, env: { ...process.env, ...GIT_ENV, FOREIGN_EXIT: "1" } });
    expect(refused.status).not.toBe(0);

    expect(await installed(repo)).toMatch(/^Updated the pre-commit hook/);
    expect(readFileSync(join(repo, ".git/hooks/pre-commit.keyward-previous"), "utf8")).toBe(foreign);

    const removed = await keyward(["scan", "uninstall-hook"], { cwd: repo });
    expect(removed.code).toBe(0);
    expect(readFileSync(join(repo, ".git/hooks/pre-commit"), "utf8")).toBe(foreign);
  });

  it("replaces a foreign hook only with --force, saving it; refuses outside a repository", async () => {
    const repo = makeRepo("force");
    write(repo, { ".git/hooks/pre-commit": "#!/bin/sh\nexit 0\n", ".git/hooks/pre-commit.keyward-previous": "#!/bin/sh\nexit 0\n" });
    const refused = await keyward(["scan", "install-hook"], { cwd: repo });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/use --force/);
    expect(readFileSync(join(repo, ".git/hooks/pre-commit"), "utf8")).toBe("#!/bin/sh\nexit 0\n");

    expect(await installed(repo, "--force")).toMatch(/saved as .*pre-commit\.keyward-backup/);
    expect(readFileSync(join(repo, ".git/hooks/pre-commit"), "utf8")).toContain("keyward-scan pre-commit hook");
    expect(readFileSync(join(repo, ".git/hooks/pre-commit.keyward-backup"), "utf8")).toBe("#!/bin/sh\nexit 0\n");

    const outside = await keyward(["scan", "install-hook"], { cwd: "/" });
    expect(outside.code).toBe(2);
  });
});
