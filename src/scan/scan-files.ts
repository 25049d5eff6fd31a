// `keyward scan [paths…]`: files and folders (and stdin as `-`), binaries and huge files skipped.
import { constants, accessSync, realpathSync, statSync } from "node:fs";
import { open } from "node:fs/promises";
import { isAbsolute, relative, resolve, sep } from "node:path";
import type { Allowlist } from "./allowlist.js";
import { workTreeTop, type Git } from "./git.js";
import { listFiles } from "./list-files.js";
import { ScanError } from "./scan-error.js";
import { createCollector, looksBinary, sortFindings, type Collector, type ScanResult } from "./scan-result.js";

export interface ScanPathsOptions {
  git: Git;
  cwd: string;
  maxFileSize: number;
  allowlist?: Allowlist;
  readStdin?: () => Promise<Buffer>;
  /** Files read at once: enough to keep the disk busy, few enough to bound memory (each ≤ maxFileSize). */
  concurrency?: number;
}

export const STDIN_PATH = "-";

/** Where reported paths are relative to: the repository root when the cwd is in one, else the cwd. */
export async function scanBase(git: Git, cwd: string): Promise<string> {
  let top: string | null = null;
  try {
    top = await workTreeTop(git, cwd);
  } catch (error) {
    if (!(error instanceof ScanError)) throw error;
  }
  return realpathSync(top ?? cwd);
}

/** Forward slashes, relative to `base` when inside it (SARIF wants repository-relative URIs). */
export function displayPath(base: string, path: string): string {
  const rel = relative(base, path);
  const shown = rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
  return shown.split(sep).join("/");
}

function checkReadable(cwd: string, path: string): string {
  const absolute = resolve(cwd, path);
  try {
    statSync(absolute);
    accessSync(absolute, constants.R_OK);
    return realpathSync(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ScanError(`cannot read ${path}: ${code === "ENOENT" ? "no such file or folder" : code === "EACCES" ? "permission denied" : String(code)}`);
  }
}

async function scanFile(collector: Collector, path: string, shownAs: string, maxFileSize: number): Promise<void> {
  const { result } = collector;
  let handle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return; // removed while we scanned
    result.stats.skipped.unreadable++;
    result.incomplete = true;
    result.warnings.push(`cannot read ${shownAs}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    return;
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return;
    if (stat.size > maxFileSize) {
      result.stats.skipped.tooLarge++;
      return;
    }
    const bytes = await handle.readFile();
    if (looksBinary(bytes)) result.stats.skipped.binary++;
    else collector.add(bytes, { path: shownAs });
  } catch (error) {
    result.stats.skipped.unreadable++;
    result.incomplete = true;
    result.warnings.push(`cannot read ${shownAs}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  } finally {
    await handle.close();
  }
}

export async function scanPaths(paths: readonly string[], options: ScanPathsOptions): Promise<ScanResult> {
  const targets = paths.length ? paths : ["."];
  // Every argument is checked before anything is read: a typo fails fast, with exit code 2.
  const resolved = targets.map((path) => (path === STDIN_PATH ? STDIN_PATH : checkReadable(options.cwd, path)));
  const base = await scanBase(options.git, options.cwd);
  const collector = createCollector("files", options.allowlist);
  const { result } = collector;
  const files = new Set<string>();
  for (const target of resolved) {
    if (target === STDIN_PATH) {
      if (!options.readStdin) throw new ScanError("stdin (-) is not available here");
      collector.add(await options.readStdin(), { path: STDIN_PATH });
    } else if (statSync(target).isDirectory()) {
      const list = await listFiles(options.git, target);
      list.files.forEach((file) => files.add(file));
      result.stats.skipped.symlinkOutside += list.symlinkOutside;
      for (const dir of list.unreadable) {
        result.stats.skipped.unreadable++;
        result.incomplete = true;
        result.warnings.push(`cannot list ${displayPath(base, dir)}`);
      }
    } else {
      // Named on the command line: read even if ignored, and through a symlink, since it was asked for.
      files.add(target);
    }
  }
  const queue = [...files];
  const worker = async () => {
    for (let file = queue.pop(); file !== undefined; file = queue.pop()) await scanFile(collector, file, displayPath(base, file), options.maxFileSize);
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 16 }, worker));
  sortFindings(result.findings);
  sortFindings(result.allowed);
  return result;
}
