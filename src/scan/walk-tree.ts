// The files under a folder that is not in a git work tree, honouring the `.gitignore` files found on
// the way. Symlinks are never followed: one pointing inside the tree names a file scanned at its own
// path anyway, one pointing outside is not part of the tree (and is counted, so nobody is surprised).
import { readdirSync, readFileSync, realpathSync, type Dirent } from "node:fs";
import { join, sep } from "node:path";
import { matchIgnore, parseGitignore, type IgnoreRule } from "./gitignore.js";

export interface FileList {
  /** Absolute paths of regular files to read. */
  files: string[];
  symlinkOutside: number;
  /** Folders that could not be listed. */
  unreadable: string[];
}

interface Scope {
  /** Path of the .gitignore's folder relative to the root, "" for the root, with a trailing "/" otherwise. */
  base: string;
  rules: IgnoreRule[];
}

export function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** Outside (or broken): realpath fails or leaves `root`. */
export function symlinkLeaves(root: string, link: string): boolean {
  try {
    return !isInside(root, realpathSync(link));
  } catch {
    return false;
  }
}

function readRules(dir: string): IgnoreRule[] {
  try {
    return parseGitignore(readFileSync(join(dir, ".gitignore"), "utf8"));
  } catch {
    return [];
  }
}

/** Deeper .gitignore files override shallower ones, each relative to its own folder. */
function ignored(scopes: readonly Scope[], relative: string, isDir: boolean): boolean {
  for (let i = scopes.length - 1; i >= 0; i--) {
    const scope = scopes[i]!;
    const verdict = matchIgnore(scope.rules, relative.slice(scope.base.length), isDir);
    if (verdict) return verdict === "ignore";
  }
  return false;
}

/** `root` must be a real path (no symlinks in it), so that "inside" can be decided by prefix. */
export function walkTree(root: string): FileList {
  const list: FileList = { files: [], symlinkOutside: 0, unreadable: [] };
  const visit = (dir: string, relative: string, parentScopes: readonly Scope[]) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      list.unreadable.push(dir);
      return;
    }
    const rules = entries.some((entry) => entry.name === ".gitignore" && entry.isFile()) ? readRules(dir) : [];
    const scopes = rules.length ? [...parentScopes, { base: relative, rules }] : parentScopes;
    for (const entry of entries) {
      const path = join(dir, entry.name);
      const entryRelative = relative + entry.name;
      if (entry.isSymbolicLink()) {
        if (symlinkLeaves(root, path)) list.symlinkOutside++;
      } else if (entry.isDirectory()) {
        if (entry.name !== ".git" && !ignored(scopes, entryRelative, true)) visit(path, `${entryRelative}/`, scopes);
      } else if (entry.isFile() && !ignored(scopes, entryRelative, false)) {
        list.files.push(path);
      }
    }
  };
  visit(root, "", []);
  return list;
}
