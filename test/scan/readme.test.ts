// The README's scanner block, run verbatim by sh in a repository with a committed key, with `keyward`
// on PATH as a user would have it.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { BIN, cleanEnv, ensureBuilt } from "../e2e/support/keyward-process.js";
import { GIT_ENV, commitAll, expectNoKey, makeRepo, newKey, removeTempDirs, tempDir, write } from "./support.js";

beforeAll(ensureBuilt, 180_000);
afterAll(removeTempDirs);

function readmeBlock(name: string): string {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const block = readme.split(`<!-- ${name}:begin -->`)[1]?.split(`<!-- ${name}:end -->`)[0] ?? "";
  const script = /```sh\n([\s\S]*?)```/.exec(block)?.[1];
  if (!script) throw new Error(`README has no ${name} block`);
  return script;
}

it("README scanner block: finds the key, writes SARIF with it, installs the hook", () => {
  const bin = tempDir("bin");
  writeFileSync(join(bin, "keyward"), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`);
  chmodSync(join(bin, "keyward"), 0o755);
  const repo = makeRepo("readme");
  const key = newKey();
  write(repo, { "deploy/prod.env": `KEYWARD_KEY=${key}\n` });
  commitAll(repo, "oops");

  const result = spawnSync("sh", ["-c", readmeBlock("scan")], { cwd: repo, env: cleanEnv({ ...GIT_ENV, PATH: `${bin}:${process.env.PATH}` }), encoding: "utf8" });
  expect(result.status).toBe(0);
  expect(result.stdout).toMatch(/^deploy\/prod\.env:1:13 {2}live key acme_live_\w{4}… {2}fingerprint [0-9a-f]{16}$/m);
  expect(result.stdout).toMatch(/^Installed the pre-commit hook/m);
  const sarif = JSON.parse(readFileSync(join(repo, "keyward.sarif"), "utf8")) as { runs: { results: { ruleId: string }[] }[] };
  expect(sarif.runs[0]!.results.map((item) => item.ruleId)).toEqual(["keyward/live-key"]);
  expect(existsSync(join(repo, ".git/hooks/pre-commit"))).toBe(true);
  expectNoKey(result.stdout + result.stderr + readFileSync(join(repo, "keyward.sarif"), "utf8"), [key]);
});
