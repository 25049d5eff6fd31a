// Measurement for `npm run bench:limits`: runs each case for a fixed time, with a fixed number of
// operations in flight, and reports operations per second next to a baseline from the same run.

export interface BenchCase {
  name: string;
  /** One operation (one limiter decision, one verification, …). */
  run(index: number): Promise<unknown>;
  /** Operations kept in flight at once (default 1: pure latency). */
  concurrency?: number;
}

export interface BenchResult {
  name: string;
  operations: number;
  perSecond: number;
}

/** Runs `bench` for `seconds` after a short warm-up; bounded in time whatever the case does. */
export async function measure(bench: BenchCase, seconds: number): Promise<BenchResult> {
  const concurrency = bench.concurrency ?? 1;
  const runFor = async (ms: number) => {
    const deadline = performance.now() + ms;
    let next = 0;
    const worker = async () => {
      while (performance.now() < deadline) await bench.run(next++);
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: concurrency }, worker));
    return { operations: next, elapsed: performance.now() - started };
  };
  await runFor(Math.min(300, seconds * 200));
  const { operations, elapsed } = await runFor(seconds * 1000);
  return { name: bench.name, operations, perSecond: (operations / elapsed) * 1000 };
}

const format = (n: number) => Math.round(n).toLocaleString("en-US");

/** A table: each case's rate and how many times the baseline's cost one of its operations has. */
export function report(baseline: BenchResult, results: readonly BenchResult[]): string {
  const rows = [baseline, ...results].map((result) => [
    result.name,
    format(result.perSecond),
    result === baseline ? "1.00 (baseline)" : (baseline.perSecond / result.perSecond).toFixed(2),
  ]);
  const header = ["case", "ops/s", "cost vs baseline (x)"];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join("  ");
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}
