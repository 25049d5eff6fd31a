// Output for people (aligned tables) and for scripts (--json).
type Write = (text: string) => void;
const toStdout: Write = (text) => {
  process.stdout.write(text);
};

export function printJson(value: unknown, write: Write = toStdout): void {
  write(`${JSON.stringify(value, null, 2)}\n`);
}

/** "createdAt" → "CREATED AT". */
const heading = (column: string) => column.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toUpperCase();

/**
 * Names and metadata are chosen by whoever created the record; control characters are escaped so
 * that a name cannot move the cursor, rewrite the screen or break a table row in an operator's terminal.
 */
const printable = (text: string) => text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);

function cell(value: unknown): string {
  if (value === null || value === undefined) return "-";
  if (Array.isArray(value)) return printable(value.map((item) => (typeof item === "object" ? JSON.stringify(item) : String(item))).join(","));
  return printable(typeof value === "object" ? JSON.stringify(value) : String(value));
}

export function printTable(rows: Record<string, unknown>[], columns: string[], write: Write = toStdout): void {
  if (rows.length === 0) {
    write("(none)\n");
    return;
  }
  const widths = columns.map((column) => Math.max(heading(column).length, ...rows.map((row) => cell(row[column]).length)));
  const line = (cells: string[]) => cells.map((text, index) => text.padEnd(widths[index]!)).join("  ").trimEnd();
  write(`${line(columns.map(heading))}\n`);
  for (const row of rows) write(`${line(columns.map((column) => cell(row[column])))}\n`);
}

export function printRecord(record: Record<string, unknown>, write: Write = toStdout): void {
  const width = Math.max(...Object.keys(record).map((key) => key.length));
  for (const [key, value] of Object.entries(record)) {
    const text = value !== null && typeof value === "object" ? JSON.stringify(value) : String(value ?? "-");
    write(`${key.padEnd(width)}  ${printable(text)}\n`);
  }
}
