// Output for people (aligned tables) and for scripts (--json).
export function printJson(value: unknown, write = (text: string) => process.stdout.write(text)): void {
  write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printTable(rows: Record<string, unknown>[], columns: string[], write = (text: string) => process.stdout.write(text)): void {
  if (rows.length === 0) {
    write("(none)\n");
    return;
  }
  const cell = (value: unknown) => (value === null || value === undefined ? "-" : Array.isArray(value) ? value.join(",") : String(value));
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => cell(row[column]).length)));
  const line = (cells: string[]) => cells.map((text, index) => text.padEnd(widths[index]!)).join("  ").trimEnd();
  write(`${line(columns.map((column) => column.toUpperCase()))}\n`);
  for (const row of rows) write(`${line(columns.map((column) => cell(row[column])))}\n`);
}

export function printRecord(record: Record<string, unknown>, write = (text: string) => process.stdout.write(text)): void {
  const width = Math.max(...Object.keys(record).map((key) => key.length));
  for (const [key, value] of Object.entries(record)) {
    const text = value !== null && typeof value === "object" ? JSON.stringify(value) : String(value ?? "-");
    write(`${key.padEnd(width)}  ${text}\n`);
  }
}
