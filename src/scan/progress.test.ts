// The history progress bar: drawn only on a terminal, throttled, and wiped when done.
import { describe, expect, it } from "vitest";
import { createProgress, formatProgress } from "./progress.js";

describe("createProgress", () => {
  it("draws nothing when stderr is not a terminal", () => {
    expect(createProgress({ isTTY: false, write: () => {} })).toBeUndefined();
  });

  it("redraws at most every 100 ms, fits the terminal width, and clears its line at the end", () => {
    const written: string[] = [];
    let now = 1_000;
    const progress = createProgress({ isTTY: true, columns: 40, write: (text: string) => written.push(text) }, () => now)!;
    progress.update(1, 10, 1e6);
    progress.update(2, 10, 2e6);
    now += 100;
    progress.update(5, 10, 5e6);
    progress.done();
    expect(written).toHaveLength(3);
    expect(written[0]).toBe(`\r${formatProgress(1, 10, 1e6).slice(0, 39)}\x1b[K`);
    expect(written[1]).toContain("#".repeat(12));
    expect(written[2]).toBe("\r\x1b[K");
  });
});
