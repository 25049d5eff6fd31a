// Helpers for the scanner tests: temporary folders and git repositories (isolated from the user's git
// configuration), fresh keys, and the built CLI run in a chosen folder.
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { generateKey, type KeyEnvironment } from "../../src/core/key-format.js";
import { BIN, cleanEnv } from "../e2e/support/keyward-process.js";

/** No global or system git configuration (hooksPath, excludes, templates) leaks into a test. */
export const GIT_ENV: Record<string, string> = {
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_AUTHOR_NAME: "Test",
  GIT_AUTHOR_EMAIL: "test@example.com",
  GIT_COMMITTER_NAME: "Test",
  GIT_COMMITTER_EMAIL: "test@example.com",
};
Object.assign(process.env, GIT_ENV);

const made: string[] = [];
export function tempDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `keyward-scan-${name}-`));
  made.push(dir);
  return dir;
}
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, env: { ...process.env, ...GIT_ENV }, encoding: "utf8" }).trim();
}

export function makeRepo(name: string): string {
  const dir = tempDir(name);
  git(dir, "init", "-q", "-b", "main");
  return dir;
}

export function write(root: string, files: Record<string, string | Buffer>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

export function commitAll(repo: string, message: string): string {
  git(repo, "add", "-A");
  git(repo, "commit", "-q", "--allow-empty", "-m", message);
  return git(repo, "rev-parse", "HEAD");
}

export const newKey = (prefix = "acme", env: KeyEnvironment = "live") => generateKey(prefix, env, randomBytes).key;

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The built CLI (`node bin/keyward.js`) in `cwd`; call ensureBuilt() first. */
export function keyward(args: string[], options: { cwd: string; env?: Record<string, string>; input?: string }): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env: cleanEnv({ ...GIT_ENV, ...options.env }), stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? "");
  });
}

/** Every way a key could be printed whole: as is, and its body and checksum alone. */
export function expectNoKey(text: string, keys: readonly string[]): void {
  for (const key of keys) {
    const secretPart = key.slice(key.lastIndexOf("_") + 5);
    if (text.includes(key) || text.includes(secretPart)) throw new Error(`output holds a whole key (${key.slice(0, 14)}…):\n${text}`);
  }
}
