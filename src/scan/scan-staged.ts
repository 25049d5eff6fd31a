// `keyward scan --staged`: what the next commit would contain. The staged files come from `git diff
// --cached` (with their index blob ids, so unstaged edits in the work tree do not matter) and are read
// as the index holds them, through one `git cat-file --batch` rather than a `git show` per file.
import type { Allowlist } from "./allowlist.js";
import { createBatchParser } from "./batch-parser.js";
import { relocateFinding } from "./finding.js";
import { exited, workTreeTop, type Git } from "./git.js";
import { ScanError } from "./scan-error.js";
import { createCollector, looksBinary, sortFindings, type ScanResult } from "./scan-result.js";

export interface ScanStagedOptions {
  git: Git;
  maxFileSize: number;
  allowlist?: Allowlist;
}

const SUBMODULE_MODE = "160000";

/** Staged blobs by id, each with every path it is staged at. */
export async function stagedBlobs(git: Git, top: string): Promise<Map<string, string[]>> {
  // A: added, C: copied, M: modified, T: type changed. Deletions add nothing to the commit.
  const { code, stdout, stderr } = await git.run(["diff", "--cached", "--raw", "-z", "--no-abbrev", "--no-renames", "--diff-filter=ACMT"], top);
  if (code !== 0) throw new ScanError(`git diff --cached failed: ${stderr.trim()}`);
  const tokens = stdout.toString("utf8").split("\0");
  const blobs = new Map<string, string[]>();
  for (let i = 0; i + 1 < tokens.length; i += 2) {
    // `:<old mode> <new mode> <old oid> <new oid> <status>` then the path.
    const [, newMode, , newOid] = tokens[i]!.split(" ");
    const path = tokens[i + 1]!;
    if (!newOid || newMode === SUBMODULE_MODE) continue;
    blobs.set(newOid, [...(blobs.get(newOid) ?? []), path]);
  }
  return blobs;
}

export async function scanStaged(cwd: string, options: ScanStagedOptions): Promise<ScanResult> {
  const { git } = options;
  const top = await workTreeTop(git, cwd);
  if (!top) throw new ScanError("not inside a git work tree: --staged scans the index of one");
  const collector = createCollector("staged", options.allowlist);
  const { result } = collector;
  const blobs = await stagedBlobs(git, top);
  if (blobs.size === 0) return result;

  const reader = git.spawn(["cat-file", "--batch"], top);
  const read = exited(reader, top);
  let stderr = "";
  reader.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  reader.stdin.on("error", () => {});
  const parser = createBatchParser((object) => {
    const [first, ...others] = blobs.get(object.oid) ?? [object.oid];
    if (object.data.length > options.maxFileSize) result.stats.skipped.tooLarge++;
    else if (looksBinary(object.data)) result.stats.skipped.binary++;
    else {
      const allowedBefore = result.allowed.length;
      const found = collector.add(object.data, { path: first! });
      const allowed = result.allowed.slice(allowedBefore);
      // The same content staged at several paths is reported at each of them.
      for (const path of others) {
        result.findings.push(...found.map((finding) => relocateFinding(finding, { path })));
        result.allowed.push(...allowed.map((finding) => relocateFinding(finding, { path })));
      }
    }
  });
  reader.stdout.on("data", (chunk: Buffer) => parser.push(chunk));
  reader.stdin.end([...blobs.keys()].map((oid) => `${oid}\n`).join(""));
  const code = await read;
  if (code !== 0) throw new ScanError(`git cat-file failed: ${stderr.trim()}`);
  parser.end();
  sortFindings(result.findings);
  sortFindings(result.allowed);
  return result;
}
