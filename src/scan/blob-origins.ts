// For the few blobs that hold a key: the commits whose change added them, and the path there. One
// streamed `git log --all --raw` (tree diffs only, no content), run only when something was found.
import { exited, type Git } from "./git.js";
import { ScanError } from "./scan-error.js";

export interface BlobOrigin {
  /** Oldest first. */
  commits: string[];
  /** The path in the oldest commit. */
  path: string;
  /** Position of the oldest commit in `git log` order: larger is older. */
  age: number;
}

const COMMIT_MARK = "\x01";

/**
 * `-z` keeps odd paths intact; `-m` includes merges (a key added while resolving a conflict lives
 * only there); `--root` includes the first commit's files.
 */
export async function findBlobOrigins(git: Git, repo: string, oids: ReadonlySet<string>): Promise<Map<string, BlobOrigin>> {
  const origins = new Map<string, BlobOrigin>();
  if (oids.size === 0) return origins;
  const child = git.spawn(["log", "--all", `--format=${COMMIT_MARK}%H`, "--raw", "--no-abbrev", "--no-renames", "-m", "--root", "-z"], repo);
  const done = exited(child, repo);
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  child.stdin.end();

  let commit = "";
  let count = 0;
  // After a raw line, the next token is its path (whatever characters it starts with).
  let expectPath = false;
  let pendingOid: string | null = null;
  let rest = "";
  const token = (raw: string) => {
    const text = raw.startsWith("\n") && !expectPath ? raw.slice(1) : raw;
    if (expectPath) {
      expectPath = false;
      if (pendingOid === null) return;
      const origin = origins.get(pendingOid);
      if (origin) {
        if (origin.commits[0] !== commit) origin.commits.unshift(commit);
        origin.path = text;
        origin.age = count;
      } else {
        origins.set(pendingOid, { commits: [commit], path: text, age: count });
      }
      pendingOid = null;
    } else if (text.startsWith(COMMIT_MARK)) {
      commit = text.slice(1);
      count++;
    } else if (text.startsWith(":")) {
      // `:<old mode> <new mode> <old oid> <new oid> <status>`
      const newOid = text.split(" ")[3];
      expectPath = true;
      pendingOid = newOid && oids.has(newOid) ? newOid : null;
    }
  };
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    const tokens = (rest + chunk).split("\0");
    rest = tokens.pop()!;
    tokens.forEach(token);
  });
  const code = await done;
  if (rest) token(rest);
  if (code !== 0) throw new ScanError(`git log failed: ${stderr.trim()}`);
  return origins;
}
