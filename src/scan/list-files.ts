// Which files a folder scan reads. Inside a git work tree git itself answers (`ls-files --cached
// --others --exclude-standard`): exact ignore semantics (nested files, negations, info/exclude, the
// global excludes file), and tracked files are scanned even when a pattern matches them, since those
// are pushed. Outside a work tree, our own walker applies the .gitignore files it meets.
import { lstatSync } from "node:fs";
import { join } from "node:path";
import { workTreeTop, type Git } from "./git.js";
import { ScanError } from "./scan-error.js";
import { symlinkLeaves, walkTree, type FileList } from "./walk-tree.js";

async function gitTop(git: Git, dir: string): Promise<string | null> {
  try {
    return await workTreeTop(git, dir);
  } catch (error) {
    // No git on this machine: the folder is walked like any other.
    if (error instanceof ScanError) return null;
    throw error;
  }
}

/** `dir` is a real path. */
export async function listFiles(git: Git, dir: string): Promise<FileList> {
  if (!(await gitTop(git, dir))) return walkTree(dir);
  const { code, stdout, stderr } = await git.run(["ls-files", "-z", "--cached", "--others", "--exclude-standard"], dir);
  if (code !== 0) throw new ScanError(`git ls-files failed in ${dir}: ${stderr.trim()}`);
  const list: FileList = { files: [], symlinkOutside: 0, unreadable: [] };
  // --cached lists a conflicted file once per stage.
  const names = new Set(stdout.toString("utf8").split("\0").filter(Boolean));
  for (const name of names) {
    const path = join(dir, name);
    let stat;
    try {
      stat = lstatSync(path);
    } catch {
      continue; // deleted in the work tree, not yet staged: nothing to read
    }
    if (stat.isSymbolicLink()) {
      if (symlinkLeaves(dir, path)) list.symlinkOutside++;
    } else if (stat.isFile()) {
      // Folders here are submodules or nested repositories: scanned only when named themselves.
      list.files.push(path);
    }
  }
  return list;
}
