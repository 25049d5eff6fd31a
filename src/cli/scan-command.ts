// `keyward scan`: Keyward keys in files, stdin, git history or the index. Exit 1 when a key was found,
// 0 when clean, 2 when the scan could not run or finish. Never prints a whole key.
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Option, type Command } from "commander";
import { ALLOWLIST_FILE } from "../scan/allowlist.js";
import { CliError, createApiClient } from "./client.js";

type Format = "text" | "json" | "sarif";

interface ScanOptions {
  git?: boolean;
  staged?: boolean;
  format: Format;
  maxFileSize: string;
  allowlist?: string;
  report?: boolean;
  progress: boolean;
}

const SIZE = /^(\d+(?:\.\d+)?)\s*(b|k|kb|m|mb|g|gb)?$/i;
const UNITS: Record<string, number> = { b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3 };

/** "10MB", "512k", "1048576": K, M and G are powers of 1024, as git counts them. */
export function parseSize(text: string): number {
  const match = SIZE.exec(text.trim());
  const bytes = match ? Math.floor(Number(match[1]) * UNITS[(match[2] ?? "b").toLowerCase()]!) : NaN;
  if (!Number.isSafeInteger(bytes) || bytes <= 0) throw new CliError(`--max-file-size: not a size: ${JSON.stringify(text)} (e.g. 10MB, 512KB)`, 2);
  return bytes;
}

function packageInfo(): { version: string; informationUri: string } {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { name: string; version: string; homepage?: string };
  return { version: pkg.version, informationUri: pkg.homepage ?? `https://www.npmjs.com/package/${pkg.name}` };
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function checkArguments(paths: string[], options: ScanOptions): void {
  if (options.git && options.staged) throw new CliError("--git and --staged cannot be combined", 2);
  if ((options.git || options.staged) && paths.includes("-")) throw new CliError("stdin (-) cannot be combined with --git or --staged", 2);
  if (options.git && paths.length > 1) throw new CliError("--git scans one repository: give at most one folder", 2);
  if (options.staged && paths.length > 0) throw new CliError("--staged takes no paths: it scans the index of the repository you are in", 2);
  // Checked before the scan: no point reading a whole history to fail at the end.
  if (options.report && !process.env.KEYWARD_ROOT_KEY?.trim()) throw new CliError("--report needs KEYWARD_ROOT_KEY (a root key with leaks:report) in the environment", 2);
}

async function runScan(paths: string[], options: ScanOptions): Promise<void> {
  checkArguments(paths, options);
  const maxFileSize = parseSize(options.maxFileSize);
  const scan = await import("../scan/index.js");
  const started = performance.now();
  const git = scan.createGit();
  const cwd = process.cwd();
  const where = options.git && paths[0] ? resolve(cwd, paths[0]) : cwd;
  if (!existsSync(where)) throw new CliError(`no such folder: ${paths[0]}`, 2);
  try {
    const allowlistPath = options.allowlist ? resolve(cwd, options.allowlist) : join(await scan.scanBase(git, where), ALLOWLIST_FILE);
    if (options.allowlist && !existsSync(allowlistPath)) throw new CliError(`--allowlist: no such file: ${options.allowlist}`, 2);
    const allowlist = existsSync(allowlistPath) ? scan.parseAllowlist(readFileSync(allowlistPath, "utf8"), options.allowlist ?? ALLOWLIST_FILE) : scan.EMPTY_ALLOWLIST;
    const common = { git, maxFileSize, allowlist };
    const result = options.git
      ? await scan.scanHistory(where, { ...common, ...(options.progress ? { progress: scan.createProgress(process.stderr) } : {}) })
      : options.staged
        ? await scan.scanStaged(cwd, common)
        : await scan.scanPaths(paths, { ...common, cwd, readStdin });
    const elapsed = performance.now() - started;

    const text = scan.formatText(result, elapsed);
    if (options.format === "json") process.stdout.write(scan.formatJson(result, elapsed));
    else if (options.format === "sarif") process.stdout.write(scan.formatSarif(result, packageInfo()));
    else process.stdout.write(text.stdout);
    process.stderr.write(text.stderr);
    process.exitCode = result.findings.length ? 1 : result.incomplete ? 2 : 0;

    if (options.report) {
      if (result.findings.length === 0) return void process.stderr.write("keyward scan: nothing to report\n");
      const client = createApiClient();
      const answers = await scan.sendLeakReport(result.findings, (path, body) => client.request("POST", path, body));
      const summary = answers.length > 0 ? `: ${scan.summarizeLeakAnswers(answers)}` : "";
      process.stderr.write(`keyward scan: reported ${result.findings.length} finding(s) to Keyward for revocation${summary}\n`);
    }
  } catch (error) {
    // Messages may quote git, the file system or the server: no key gets through them whole.
    if (error instanceof scan.ScanError || error instanceof CliError) {
      throw new CliError(scan.redactKeys(error.message), 2);
    }
    throw error;
  }
}

export function addScanCommand(program: Command): void {
  const command = program
    .command("scan")
    .description("find Keyward keys (checksum-valid, never printed whole) in files, stdin, git history or staged changes")
    .argument("[paths...]", "files and folders (default: the current folder); - reads stdin")
    .option("--git", "scan every blob reachable from any ref of the repository (the current one, or the folder given), each once")
    .option("--staged", "scan what is staged for the next commit (what the pre-commit hook runs)")
    .addOption(new Option("--format <format>", "text, json or sarif (SARIF 2.1.0 for GitHub code scanning)").choices(["text", "json", "sarif"]).default("text"))
    .option("--max-file-size <size>", "skip files and blobs larger than this", "10MB")
    .option("--allowlist <file>", `keys allowed on purpose (default: ${ALLOWLIST_FILE} at the repository root, else in the current folder)`)
    .option("--report", "send the findings, keys included, to Keyward to revoke them (KEYWARD_URL; KEYWARD_ROOT_KEY with leaks:report)")
    .option("--no-progress", "no progress bar for --git, even on a terminal")
    .addHelpText(
      "after",
      [
        "",
        "Exit codes: 0 no key found; 1 a key was found; 2 the scan could not run or finish.",
        "Folders honour .gitignore; binary files (a NUL byte in the first 8 KB) and larger files are skipped;",
        "symlinks are not followed. Findings show path, line, column, commit, prefix, environment, the key's",
        "display start and a fingerprint (start of its SHA-256). See docs/scan.md.",
      ].join("\n"),
    )
    .action((paths: string[], options: ScanOptions) => runScan(paths, options));

  command
    .command("install-hook")
    .description("install a git pre-commit hook that runs `keyward scan --staged` and blocks a commit holding a key")
    .option("--force", "replace an existing pre-commit hook that is not Keyward's (it is saved as pre-commit.keyward-backup)")
    .option("--command <command>", "how the hook starts keyward (default: this keyward, by absolute path), e.g. 'npx keyward'")
    .action(async (options: { force?: boolean; command?: string }) => {
      const scan = await import("../scan/index.js");
      const command = options.command ?? [process.execPath, ...process.execArgv, process.argv[1]!].map(scan.shellQuote).join(" ");
      try {
        const outcome = await scan.installHook({ git: scan.createGit(), cwd: process.cwd(), command, ...(options.force ? { force: true } : {}) });
        const notes: Record<typeof outcome.action, string> = {
          installed: "",
          updated: "",
          chained: ` The hook that was there is kept as ${outcome.previous} and runs first.`,
          replaced: ` The hook that was there is saved as ${outcome.previous}.`,
        };
        process.stdout.write(`${outcome.action === "updated" ? "Updated" : "Installed"} the pre-commit hook at ${outcome.path}.${notes[outcome.action]}\n`);
      } catch (error) {
        if (error instanceof scan.ScanError) throw new CliError(error.message, 2);
        throw error;
      }
    });

  command
    .command("uninstall-hook")
    .description("remove Keyward's pre-commit hook (and put back the hook it chained, if any)")
    .action(async () => {
      const scan = await import("../scan/index.js");
      try {
        const { path, restored } = await scan.uninstallHook({ git: scan.createGit(), cwd: process.cwd() });
        process.stdout.write(`Removed the pre-commit hook at ${path}.${restored ? " The previous hook is back in place." : ""}\n`);
      } catch (error) {
        if (error instanceof scan.ScanError) throw new CliError(error.message, 2);
        throw error;
      }
    });
}
