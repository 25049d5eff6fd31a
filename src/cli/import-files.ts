// Reading a key import file for `keyward keys import`: JSON Lines (one object a line) or CSV with a
// header row. Each row keeps its line number, so every problem can point at the line. A problem never
// quotes the line: it may hold a plaintext key.
import { parse } from "csv-parse/sync";

export type ImportFormat = "jsonl" | "csv";

export interface FileRow {
  line: number;
  value: unknown;
}

export interface ParsedFile {
  rows: FileRow[];
  /** Lines that could not be read as a row at all. */
  problems: { line: number; message: string }[];
}

export function formatOf(file: string): ImportFormat | null {
  if (/\.jsonl$|\.ndjson$/i.test(file)) return "jsonl";
  if (/\.csv$/i.test(file)) return "csv";
  return null;
}

export function parseImportFile(text: string, format: ImportFormat): ParsedFile {
  return format === "jsonl" ? parseJsonLines(text) : parseCsv(text);
}

function parseJsonLines(text: string): ParsedFile {
  const parsed: ParsedFile = { rows: [], problems: [] };
  text.split(/\r?\n/).forEach((content, index) => {
    if (content.trim() === "") return;
    try {
      parsed.rows.push({ line: index + 1, value: JSON.parse(content) });
    } catch {
      parsed.problems.push({ line: index + 1, message: "not a JSON object" });
    }
  });
  return parsed;
}

const LIST_SEPARATOR = /[\s|]+/;

/** CSV cells are text: lists, JSON and booleans are read into what the row schema expects. */
function csvRow(record: Record<string, string>, problems: string[]): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const [column, raw] of Object.entries(record)) {
    const cell = raw.trim();
    if (cell === "") continue;
    if (column === "permissions" || column === "roles") row[column] = cell.split(LIST_SEPARATOR).filter(Boolean);
    else if (column === "meta" || column === "ratelimits") {
      try {
        row[column] = JSON.parse(cell);
      } catch {
        problems.push(`/${column} is not valid JSON`);
      }
    } else if (column === "enabled") {
      const value = cell.toLowerCase();
      if (["true", "1", "yes"].includes(value)) row.enabled = true;
      else if (["false", "0", "no"].includes(value)) row.enabled = false;
      else problems.push("/enabled must be true or false");
    } else row[column] = cell;
  }
  return row;
}

function parseCsv(text: string): ParsedFile {
  const parsed: ParsedFile = { rows: [], problems: [] };
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, { columns: (header: string[]) => header.map((name) => name.trim()), skip_empty_lines: true, info: true, bom: true, relax_column_count: false });
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 0;
    // csv-parse's messages can quote the record: only its line is kept.
    parsed.problems.push({ line, message: "the CSV cannot be read from here on (unbalanced quotes or a wrong number of columns)" });
    return parsed;
  }
  for (const { record, info } of records) {
    const problems: string[] = [];
    const value = csvRow(record, problems);
    if (problems.length > 0) for (const message of problems) parsed.problems.push({ line: info.lines, message });
    else parsed.rows.push({ line: info.lines, value });
  }
  return parsed;
}
