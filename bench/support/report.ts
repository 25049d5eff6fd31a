// What every bench case prints: a table for people, then one JSON line for machines (the last line of
// the case), plus the targets it was held to.

export type Cell = string | number;

export interface Target {
  /** What is promised, e.g. "one rate limit ≤ 3× floor". */
  name: string;
  /** The measured value, in the unit the target is written in. */
  actual: number;
  /** Whether the measurement meets the target; null when it could not be measured. */
  met: boolean | null;
}

export interface CaseResult {
  case: string;
  /** Machine-readable numbers of this case. */
  data: Record<string, unknown>;
  targets: Target[];
  notes: string[];
}

export const fmt = {
  int: (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "n/a"),
  fixed: (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a"),
  ms: (n: number) => (Number.isFinite(n) ? `${n.toFixed(n < 10 ? 3 : 1)} ms` : "n/a"),
  us: (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)} µs` : "n/a"),
  ratio: (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)}×` : "n/a"),
  pct: (n: number) => (Number.isFinite(n) ? `${(n * 100).toFixed(1)}%` : "n/a"),
  mb: (bytes: number) => (Number.isFinite(bytes) ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : "n/a"),
};

/** A plain-text table: the first column left-aligned, the others right-aligned. */
export function table(header: string[], rows: Cell[][]): string {
  const text = rows.map((row) => row.map(String));
  const widths = header.map((title, column) => Math.max(title.length, ...text.map((row) => (row[column] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join("  ").trimEnd();
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...text.map(line)].join("\n");
}

export function targetLines(targets: readonly Target[]): string {
  return targets.map((target) => `  target ${target.met === null ? "NOT MEASURED" : target.met ? "met   " : "MISSED"}  ${target.name} (measured ${round(target.actual)})`).join("\n");
}

/** Prints a case: title, table, targets, notes, then the JSON line. */
export function printCase(title: string, body: string, result: CaseResult): void {
  const out = [`\n=== ${title} ===`, body];
  if (result.targets.length > 0) out.push(targetLines(result.targets));
  for (const note of result.notes) out.push(`  note: ${note}`);
  out.push(JSON.stringify({ bench: result.case, ...result.data, targets: result.targets.map((t) => ({ ...t, actual: round(t.actual) })), notes: result.notes }));
  console.log(out.join("\n"));
}

export function round(n: number, digits = 3): number {
  if (!Number.isFinite(n)) return n;
  const scale = 10 ** digits;
  return Math.round(n * scale) / scale;
}

/** Percentile (0..100) of an ascending sorted array, nearest-rank. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}
