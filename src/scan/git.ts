// Running git: whole-output commands and long-lived pipes (`cat-file --batch`). A small port, so tests
// can count the processes a scan starts.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync } from "node:fs";
import { ScanError } from "./scan-error.js";

export interface GitOutput {
  code: number;
  stdout: Buffer;
  stderr: string;
}

export interface Git {
  /** Runs to completion; never rejects on a non-zero exit (the caller decides what that means). */
  run(args: string[], cwd: string, input?: string): Promise<GitOutput>;
  /** A process whose stdin/stdout the caller streams; fails with ScanError when git is missing. */
  spawn(args: string[], cwd: string): ChildProcessWithoutNullStreams;
}

const NOT_INSTALLED = "git is not installed (or not on PATH): --git, --staged and install-hook need it";

/** spawn says ENOENT both for a missing git and for a missing cwd. */
function spawnError(error: NodeJS.ErrnoException, cwd: string): Error {
  if (error.code !== "ENOENT") return error;
  return new ScanError(existsSync(cwd) ? NOT_INSTALLED : `no such folder: ${cwd}`);
}

export function createGit(onSpawn?: (args: readonly string[]) => void): Git {
  const start = (args: string[], cwd: string) => {
    onSpawn?.(args);
    // -c core.quotePath=false: paths come back as they are (we read them with -z anyway).
    return spawn("git", ["-c", "core.quotePath=false", ...args], { cwd, stdio: ["pipe", "pipe", "pipe"] });
  };
  return {
    spawn: start,
    run(args, cwd, input) {
      return new Promise((resolve, reject) => {
        const child = start(args, cwd);
        const out: Buffer[] = [];
        let err = "";
        child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
        child.stderr.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
        child.once("error", (error: NodeJS.ErrnoException) => reject(spawnError(error, cwd)));
        child.once("close", (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(out), stderr: err }));
        child.stdin.on("error", () => {});
        child.stdin.end(input ?? "");
      });
    },
  };
}

/** Waits for a spawned process; ENOENT (no git, no folder) becomes a ScanError. */
export function exited(child: ChildProcessWithoutNullStreams, cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    child.once("error", (error: NodeJS.ErrnoException) => reject(spawnError(error, cwd)));
    child.once("close", (code) => resolve(code ?? 1));
  });
}

/** The work tree's top folder, or null outside a work tree (including inside `.git` and bare repositories). */
export async function workTreeTop(git: Git, dir: string): Promise<string | null> {
  const { code, stdout } = await git.run(["rev-parse", "--show-toplevel"], dir);
  const top = stdout.toString("utf8").trim();
  return code === 0 && top ? top : null;
}
