// Runs Keyward as a user does: the built `bin/keyward.js` in a child process, with a clean environment.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statSync, readdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

export const REPO = fileURLToPath(new URL("../../../", import.meta.url));
export const BIN = join(REPO, "bin", "keyward.js");
export const ROOT_KEY = /kwroot_live_[0-9A-Za-z]+/g;

const BUILD_LOCK = join(REPO, "node_modules", ".cache", "keyward-e2e-build.lock");
const BUILD_STAMP = join(REPO, "dist", ".e2e-build-stamp");

function newestSourceMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMtime(path));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function isBuildCurrent(): boolean {
  try {
    const inputs = Math.max(newestSourceMtime(join(REPO, "src")), statSync(join(REPO, "tsconfig.build.json")).mtimeMs, statSync(join(REPO, "tsconfig.json")).mtimeMs);
    return statSync(BUILD_STAMP).mtimeMs > inputs;
  } catch {
    return false;
  }
}

/**
 * `npm run build`, once for all test files: test files run in parallel, and two compilers writing
 * dist/ while a third file's child process reads it would make failures that are not Keyward's.
 * A directory lock serialises the builds; a stamp newer than every source skips a needless one.
 */
export async function ensureBuilt(): Promise<void> {
  mkdirSync(join(BUILD_LOCK, ".."), { recursive: true });
  const deadline = Date.now() + 170_000;
  for (;;) {
    try {
      mkdirSync(BUILD_LOCK);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      // A lock left by a killed run is older than any real build.
      const lockedAt = statSync(BUILD_LOCK, { throwIfNoEntry: false })?.mtimeMs;
      if (lockedAt !== undefined && Date.now() - lockedAt > 180_000) rmSync(BUILD_LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for the build lock ${BUILD_LOCK}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    if (isBuildCurrent()) return;
    const started = Date.now();
    await promisify(execFile)(process.execPath, [join(REPO, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"], { cwd: REPO }).catch(
      (error: { stdout?: string; message: string }) => {
        throw new Error(`npm run build failed:\n${error.stdout ?? error.message}`);
      },
    );
    writeFileSync(BUILD_STAMP, `${new Date().toISOString()} ${Date.now() - started} ms\n`);
  } finally {
    rmSync(BUILD_LOCK, { recursive: true, force: true });
  }
}

/** A port that was free a moment ago (for a server that must not start, or a fixed-port restart). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export function makeTempDir(name: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `keyward-${name}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The parent's environment without any KEYWARD_* setting a developer may have exported. */
export function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("KEYWARD_")));
  return { ...base, NO_COLOR: "1", ...env };
}

const running = new Set<ChildProcess>();
/** Last resort: never leave a server behind, even when a test or hook throws. */
export function killAll(): void {
  for (const child of running) child.kill("SIGKILL");
  running.clear();
}
process.once("exit", killAll);

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface KeywardProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when the process ends; never rejects. */
  readonly exited: Promise<Exit>;
  /** The server's URL, from its "keyward listening" log line. Rejects if the process ends first. */
  listening(timeoutMs?: number): Promise<string>;
  /** Sends the signal and waits for the exit; SIGKILL after `timeoutMs`. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<Exit & { ms: number }>;
}

export function spawnKeyward(env: Record<string, string>, options: { cwd: string; args?: string[] }): KeywardProcess {
  const child = spawn(process.execPath, [BIN, ...(options.args ?? ["serve"])], { cwd: options.cwd, env: cleanEnv(env), stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  let out = "";
  let err = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
  const exited = new Promise<Exit>((resolve) => {
    child.once("error", () => resolve({ code: null, signal: null }));
    child.once("close", (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });
  const describe = () => `\n--- stdout ---\n${out}\n--- stderr ---\n${err}`;

  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    async listening(timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const line = out.split("\n").find((text) => text.includes('"msg":"keyward listening"'));
        if (line) return (JSON.parse(line) as { url: string }).url;
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`keyward exited (${child.exitCode ?? child.signalCode}) before listening${describe()}`);
        if (Date.now() > deadline) throw new Error(`keyward did not listen within ${timeoutMs} ms${describe()}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async stop(signal = "SIGTERM", timeoutMs = 10_000) {
      const started = Date.now();
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      const exit = await exited;
      clearTimeout(timer);
      return { ...exit, ms: Date.now() - started };
    },
  };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/keyward.js <args>` to completion; `input` is written to its stdin, which is then closed. */
export async function runCli(args: string[], env: Record<string, string>, input = ""): Promise<CliResult> {
  const child = spawn(process.execPath, [BIN, ...args], { env: cleanEnv(env), stdio: ["pipe", "pipe", "pipe"] });
  running.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  child.stdin.end(input);
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  const code = await new Promise<number | null>((resolve) => child.once("close", (exitCode) => resolve(exitCode)));
  clearTimeout(timer);
  running.delete(child);
  return { code, stdout, stderr };
}
