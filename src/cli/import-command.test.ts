import { describe, expect, it } from "vitest";
import { progressLine } from "./import-command.js";

describe("import progress line", () => {
  it("draws rows done of total on a terminal, and clears itself", () => {
    const written: string[] = [];
    const progress = progressLine({ isTTY: true, write: (text) => written.push(text) });
    progress.update(500, 2000);
    progress.update(2000, 2000);
    progress.done();
    expect(written[0]).toMatch(/^\rimporting \[#{6}-{18}\] 500\/2,000 rows/);
    expect(written[1]).toMatch(/\[#{24}\] 2,000\/2,000 rows/);
    expect(written.at(-1)).toBe("\r\x1b[K");
  });

  it("draws nothing when stderr is not a terminal", () => {
    const written: string[] = [];
    const progress = progressLine({ isTTY: false, write: (text) => written.push(text) });
    progress.update(1, 2);
    progress.done();
    expect(written).toEqual([]);
  });
});
