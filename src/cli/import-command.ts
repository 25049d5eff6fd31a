// `keyward keys import <file>`: checks the whole file here first (every bad row by line number), then
// has the server check it too (conflicts, roles, policy) without writing, then imports in batches,
// with a progress line on a terminal. A re-run imports nothing new.
import { readFileSync } from "node:fs";
import { Option, type Command } from "commander";
import { checkImportRows, type RowProblem } from "../services/import-rows.js";
import { CliError, createApiClient, type ApiClient } from "./client.js";
import { formatOf, parseImportFile, type FileRow, type ImportFormat } from "./import-files.js";
import { printJson } from "./output.js";

interface ImportOptions {
  api: string;
  skipInvalid?: boolean;
  format?: ImportFormat;
  batch: string;
  json?: boolean;
}

interface BatchAnswer {
  imported: number;
  existing: number;
  invalid: { row: number; problems: RowProblem[] }[];
}

const MAX_BATCH = 1000;

const describe = (problem: RowProblem) => `${problem.path ? `${problem.path} ` : ""}${problem.message} (${problem.code})`;

/** A one-line progress bar on stderr, only on a terminal (never in CI logs or when piped), at most ten redraws a second. */
export function progressLine(terminal: { isTTY?: boolean; write(text: string): unknown }) {
  if (!terminal.isTTY) return { update() {}, done() {} };
  let last = 0;
  return {
    update(done: number, total: number) {
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const filled = Math.round((done / Math.max(total, 1)) * 24);
      terminal.write(`\rimporting [${"#".repeat(filled)}${"-".repeat(24 - filled)}] ${done.toLocaleString("en-US")}/${total.toLocaleString("en-US")} rows\x1b[K`);
    },
    done() {
      terminal.write("\r\x1b[K");
    },
  };
}

/** Sends the rows in batches; `onBatch` sees each answer with the batch's rows. */
async function sendBatches(
  client: ApiClient,
  body: { apiId: string; skipInvalid: boolean; dryRun: boolean },
  rows: FileRow[],
  size: number,
  onBatch: (answer: BatchAnswer, batch: FileRow[]) => void,
): Promise<void> {
  for (let start = 0; start < rows.length; start += size) {
    const batch = rows.slice(start, start + size);
    onBatch(await client.request<BatchAnswer>("POST", "/v1/keys/import", { ...body, rows: batch.map((row) => row.value) }), batch);
  }
}

export function addImportCommand(keys: Command): void {
  keys
    .command("import <file>")
    .description("import keys from another system: a .jsonl or .csv file of rows with `key` (plaintext) or `hash` (SHA-256)")
    .requiredOption("--api <apiId>", "the API the keys go to")
    .option("--skip-invalid", "import the good rows and list the bad ones (default: any bad row imports nothing)")
    .addOption(new Option("--format <format>", "file format (default: from the extension)").choices(["jsonl", "csv"]))
    .option("--batch <n>", `rows per request (1-${MAX_BATCH})`, "500")
    .option("--json", "print the summary as JSON")
    .addHelpText(
      "after",
      [
        "",
        "Rows: key | hash, name, externalId, permissions, roles, expiresAt, meta, enabled, environment, ratelimits.",
        "CSV: a header row naming those columns; permissions and roles separated by spaces or |; meta as JSON text.",
      ].join("\n"),
    )
    .action(async (file: string, options: ImportOptions) => {
      const size = Number(options.batch);
      if (!Number.isInteger(size) || size < 1 || size > MAX_BATCH) throw new CliError(`--batch takes a whole number from 1 to ${MAX_BATCH}`, 2);
      const format = options.format ?? formatOf(file);
      if (!format) throw new CliError("cannot tell the file's format from its name: use --format jsonl or --format csv", 2);
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch (error) {
        throw new CliError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 2);
      }

      const parsed = parseImportFile(text, format);
      const problems = parsed.problems.map(({ line, message }) => ({ line, text: message }));
      const { good, bad } = checkImportRows(
        parsed.rows.map((row) => row.value),
        new Date(),
        (index) => `line ${parsed.rows[index]!.line}`,
      );
      for (const [index, rowProblems] of bad) for (const problem of rowProblems) problems.push({ line: parsed.rows[index]!.line, text: describe(problem) });
      const rows = parsed.rows.filter((_, index) => good.has(index));
      const client = createApiClient();
      const skipInvalid = options.skipInvalid === true;

      // The server's own checks (keys of other APIs, unknown roles, lifetime policy), still writing nothing.
      if (!skipInvalid && problems.length === 0) {
        await sendBatches(client, { apiId: options.api, skipInvalid: true, dryRun: true }, rows, size, (answer, batch) => {
          for (const { row, problems: rowProblems } of answer.invalid) for (const problem of rowProblems) problems.push({ line: batch[row]!.line, text: describe(problem) });
        });
      }
      const report = () => {
        for (const problem of problems.sort((a, b) => a.line - b.line)) process.stderr.write(`line ${problem.line}: ${problem.text}\n`);
      };
      if (!skipInvalid && problems.length > 0) {
        report();
        const lines = new Set(problems.map((problem) => problem.line)).size;
        throw new CliError(`${lines} of ${parsed.rows.length + parsed.problems.length} rows are not valid; nothing was imported (fix them, or pass --skip-invalid)`);
      }

      const progress = progressLine(process.stderr);
      const total = { imported: 0, existing: 0, skipped: new Set(problems.map((problem) => problem.line)).size };
      let sent = 0;
      try {
        await sendBatches(client, { apiId: options.api, skipInvalid, dryRun: false }, rows, size, (answer, batch) => {
          total.imported += answer.imported;
          total.existing += answer.existing;
          total.skipped += answer.invalid.length;
          for (const { row, problems: rowProblems } of answer.invalid) for (const problem of rowProblems) problems.push({ line: batch[row]!.line, text: describe(problem) });
          sent += batch.length;
          progress.update(sent, rows.length);
        });
      } finally {
        progress.done();
      }
      report();
      const summary = { imported: total.imported, existing: total.existing, skipped: total.skipped };
      if (options.json) return printJson(summary);
      process.stdout.write(`imported ${summary.imported}, existing ${summary.existing}, skipped ${summary.skipped}\n`);
    });
}
