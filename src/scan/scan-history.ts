// `keyward scan --git`: every blob reachable from any ref, each read once. `git rev-list --objects
// --all` names the objects and streams straight into ONE `git cat-file --batch`; no commit is diffed.
// Blobs that hold a key are then traced to the commit that added them (blob-origins.ts).
import type { Allowlist } from "./allowlist.js";
import { createBatchParser } from "./batch-parser.js";
import { findBlobOrigins, type BlobOrigin } from "./blob-origins.js";
import { relocateFinding, type Finding } from "./finding.js";
import { exited, type Git } from "./git.js";
import type { Progress } from "./progress.js";
import { ScanError } from "./scan-error.js";
import { createCollector, looksBinary, sortFindings, type ScanResult } from "./scan-result.js";

export interface ScanHistoryOptions {
  git: Git;
  maxFileSize: number;
  allowlist?: Allowlist;
  progress?: Progress;
}

export interface HistoryStats {
  /** Object names written to cat-file: each listed object once. */
  requested: number;
  blobs: number;
}

export async function assertRepository(git: Git, dir: string): Promise<void> {
  const { code } = await git.run(["rev-parse", "--git-dir"], dir);
  if (code !== 0) throw new ScanError(`not a git repository: ${dir}`);
}

export async function scanHistory(repo: string, options: ScanHistoryOptions): Promise<ScanResult & { history: HistoryStats }> {
  const { git, progress } = options;
  await assertRepository(git, repo);
  const collector = createCollector("git", options.allowlist);
  const { result } = collector;
  const history: HistoryStats = { requested: 0, blobs: 0 };
  const firstPath = new Map<string, string>();
  const blobFindings = new Map<string, Finding[]>();
  const blobAllowed = new Map<string, Finding[]>();

  // Blobs above the size limit are left out by git itself, so they are never inflated or piped.
  const filter = `--filter=combine:object:type=blob+blob:limit=${options.maxFileSize + 1}`;
  const lister = git.spawn(["rev-list", "--objects", "--all", filter], repo);
  const reader = git.spawn(["cat-file", "--batch", "--buffer"], repo);
  const listed = exited(lister, repo);
  const read = exited(reader, repo);
  let listerErr = "";
  let readerErr = "";
  lister.stderr.setEncoding("utf8").on("data", (chunk: string) => (listerErr += chunk));
  reader.stderr.setEncoding("utf8").on("data", (chunk: string) => (readerErr += chunk));
  lister.stdin.end();
  // If cat-file dies early, the error surfaces through its exit code below, not as an EPIPE crash,
  // and the listing drains instead of waiting forever for a pipe nobody reads.
  let readerGone = false;
  reader.stdin.on("error", () => {});
  reader.once("close", () => {
    readerGone = true;
    lister.stdout.resume();
  });

  const parser = createBatchParser((object) => {
    if (object.type !== "blob") return;
    history.blobs++;
    progress?.update(history.blobs, history.requested, result.stats.bytes);
    if (looksBinary(object.data)) {
      result.stats.skipped.binary++;
      return;
    }
    const allowedBefore = result.allowed.length;
    const found = collector.add(object.data, { path: firstPath.get(object.oid) ?? object.oid });
    if (found.length) blobFindings.set(object.oid, found);
    if (result.allowed.length > allowedBefore) blobAllowed.set(object.oid, result.allowed.slice(allowedBefore));
  });
  reader.stdout.on("data", (chunk: Buffer) => parser.push(chunk));

  // `<oid>` or `<oid> <path>` per line; commits (no path) are listed too and skipped by type.
  let partial = "";
  lister.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    const lines = (partial + chunk).split("\n");
    partial = lines.pop()!;
    let request = "";
    for (const line of lines) {
      const space = line.indexOf(" ");
      const oid = space < 0 ? line : line.slice(0, space);
      if (!oid) continue;
      if (space >= 0) firstPath.set(oid, line.slice(space + 1));
      request += `${oid}\n`;
      history.requested++;
    }
    // Backpressure: stop listing while cat-file catches up.
    if (!readerGone && !reader.stdin.write(request)) {
      lister.stdout.pause();
      reader.stdin.once("drain", () => lister.stdout.resume());
    }
  });
  const listCode = await listed;
  if (partial && !readerGone) {
    reader.stdin.write(`${partial.split(" ")[0]}\n`);
    history.requested++;
  }
  reader.stdin.end();
  const readCode = await read;
  progress?.done();
  if (listCode !== 0) throw new ScanError(`git rev-list failed: ${listerErr.trim()}`);
  if (readCode !== 0) throw new ScanError(`git cat-file failed: ${readerErr.trim()}`);
  parser.end();

  const origins = await findBlobOrigins(git, repo, new Set([...blobFindings.keys(), ...blobAllowed.keys()]));
  result.findings = placeFindings(origins, blobFindings);
  result.allowed = placeFindings(origins, blobAllowed);
  return { ...result, history };
}

/**
 * Each finding moves to where its blob was first added. A key that stays in a file across many
 * edits lives in many blobs; it is reported once per path, from the oldest blob that holds it.
 */
function placeFindings(origins: Map<string, BlobOrigin>, blobFindings: Map<string, Finding[]>): Finding[] {
  const oldest = new Map<string, { age: number; findings: Finding[] }>();
  for (const [oid, findings] of blobFindings) {
    const origin = origins.get(oid);
    const placed = origin ? findings.map((finding) => relocateFinding(finding, { path: origin.path, commit: origin.commits[0]!, commits: origin.commits })) : findings;
    for (const finding of placed) {
      const group = `${finding.fingerprint}\0${finding.path}`;
      const age = origin?.age ?? -1;
      const entry = oldest.get(group);
      if (!entry || age > entry.age) oldest.set(group, { age, findings: [finding] });
      else if (age === entry.age) entry.findings.push(finding);
    }
  }
  return sortFindings([...oldest.values()].flatMap((entry) => entry.findings));
}
