// A one-line progress bar for history scans, on stderr and only on a terminal (never in CI logs or
// when stderr is piped), redrawn at most ten times a second so drawing never costs scan time.
export interface Progress {
  /** `done` of `total` objects so far (the total grows while git is still listing). */
  update(done: number, total: number, bytes: number): void;
  done(): void;
}

interface Terminal {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

const REDRAW_MS = 100;
const BAR_WIDTH = 24;

export function formatProgress(done: number, total: number, bytes: number): string {
  const ratio = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(ratio * BAR_WIDTH);
  const bar = "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled);
  return `scanning history [${bar}] ${done.toLocaleString("en-US")}/${total.toLocaleString("en-US")} objects, ${(bytes / 1e6).toFixed(1)} MB`;
}

export function createProgress(terminal: Terminal, now: () => number = Date.now): Progress | undefined {
  if (!terminal.isTTY) return undefined;
  let last = 0;
  let drawn = false;
  return {
    update(done, total, bytes) {
      const time = now();
      if (time - last < REDRAW_MS) return;
      last = time;
      drawn = true;
      const width = (terminal.columns ?? 80) - 1;
      terminal.write(`\r${formatProgress(done, total, bytes).slice(0, width)}\x1b[K`);
    },
    done() {
      if (drawn) terminal.write("\r\x1b[K");
    },
  };
}
