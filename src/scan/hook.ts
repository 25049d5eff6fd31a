// `keyward scan install-hook`: a git pre-commit hook running `keyward scan --staged`. It goes where
// git looks (`git rev-parse --git-path hooks` follows core.hooksPath). A hook that is not ours is
// never overwritten without --force: it is kept beside ours and run first, as before.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ALLOWLIST_FILE } from "./allowlist.js";
import type { Git } from "./git.js";
import { INLINE_ALLOW_MARKER } from "./locate-keys.js";
import { ScanError } from "./scan-error.js";

export const HOOK_MARKER = "# keyward-scan pre-commit hook";
export const PREVIOUS_HOOK = "pre-commit.keyward-previous";
export const BACKUP_HOOK = "pre-commit.keyward-backup";

export type HookAction = "installed" | "updated" | "chained" | "replaced";

export interface HookOutcome {
  path: string;
  action: HookAction;
  /** Where the hook that was there before now lives. */
  previous?: string;
}

/** Single-quoted for sh, so paths with spaces or quotes survive. */
export const shellQuote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

export function hookScript(command: string): string {
  return [
    "#!/bin/sh",
    `${HOOK_MARKER}, installed by \`keyward scan install-hook\`.`,
    "# Blocks a commit whose staged files hold a Keyward API key (exit 1), or when the scan cannot run (exit 2).",
    `# A deliberate test key: add its fingerprint to ${ALLOWLIST_FILE}, or put ${INLINE_ALLOW_MARKER} on its line.`,
    "# Last resort, skipping every hook: git commit --no-verify",
    `previous="$(dirname "$0")/${PREVIOUS_HOOK}"`,
    'if [ -x "$previous" ]; then',
    '  "$previous" "$@" || exit $?',
    "fi",
    `exec ${command} scan --staged`,
    "",
  ].join("\n");
}

export async function hooksDir(git: Git, cwd: string): Promise<string> {
  const { code, stdout } = await git.run(["rev-parse", "--git-path", "hooks"], cwd);
  if (code !== 0) throw new ScanError("not a git repository: install-hook must run inside one");
  return resolve(cwd, stdout.toString("utf8").trim());
}

const isOurs = (path: string) => readFileSync(path, "utf8").includes(HOOK_MARKER);

export async function installHook(options: { git: Git; cwd: string; command: string; force?: boolean }): Promise<HookOutcome> {
  const dir = await hooksDir(options.git, options.cwd);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "pre-commit");
  const previous = join(dir, PREVIOUS_HOOK);
  const write = (action: HookAction, kept?: string): HookOutcome => {
    writeFileSync(path, hookScript(options.command));
    chmodSync(path, 0o755);
    return { path, action, ...(kept ? { previous: kept } : {}) };
  };
  if (!existsSync(path)) return write("installed");
  if (isOurs(path)) return write("updated", existsSync(previous) ? previous : undefined);
  if (options.force) {
    const backup = join(dir, BACKUP_HOOK);
    renameSync(path, backup);
    return write("replaced", backup);
  }
  if (existsSync(previous)) {
    throw new ScanError(`${path} is not Keyward's and ${previous} already exists: move one of them, or use --force to replace the hook`);
  }
  renameSync(path, previous);
  return write("chained", previous);
}

/** Removes our hook and puts back the one it chained, if any. */
export async function uninstallHook(options: { git: Git; cwd: string }): Promise<{ path: string; restored: boolean }> {
  const dir = await hooksDir(options.git, options.cwd);
  const path = join(dir, "pre-commit");
  if (!existsSync(path) || !isOurs(path)) throw new ScanError(`no Keyward pre-commit hook at ${path}`);
  rmSync(path);
  const previous = join(dir, PREVIOUS_HOOK);
  if (!existsSync(previous)) return { path, restored: false };
  renameSync(previous, path);
  return { path, restored: true };
}
