import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { admitInPlace, checkWindow, mutableWindow, slotMs, windowAdmits, windowEntries, windowLogResetMs, windowResetMs, type WindowState } from "./sliding-window.js";

const T0 = 1_700_000_000_000;

// Steps of every scale around the slot and the window's edge, the clock sometimes stepping back, and the
// window's length switching between two values on one bucket (the memory limiter does not forbid it).
const scenarios = fc
  .record({ limit: fc.integer({ min: 0, max: 60 }), durations: fc.tuple(fc.integer({ min: 1, max: 5_000 }), fc.integer({ min: 1, max: 5_000 })) })
  .chain(({ limit, durations }) => {
    const slot = slotMs(durations[0]);
    return fc.record({
      limit: fc.constant(limit),
      durations: fc.constant(durations),
      steps: fc.array(
        fc.record({
          delta: fc.oneof(
            { weight: 4, arbitrary: fc.integer({ min: 0, max: slot }) },
            { weight: 2, arbitrary: fc.integer({ min: 0, max: 3 * slot }) },
            { weight: 2, arbitrary: fc.integer({ min: Math.max(0, durations[0] - 2 * slot), max: durations[0] + 2 * slot }) },
            { weight: 1, arbitrary: fc.integer({ min: -3 * slot, max: 0 }) },
          ),
          cost: fc.oneof(fc.constant(1), fc.integer({ min: 0, max: Math.min(limit + 2, 30) })),
          second: fc.boolean(),
        }),
        { maxLength: 200 },
      ),
    });
  });

const plain = (state: WindowState) => state.map(({ at, first, cost }) => ({ at, first, cost }));

describe("sliding window in place", () => {
  it("makes checkWindow's decisions and leaves checkWindow's entries, step for step", () => {
    fc.assert(
      fc.property(scenarios, ({ limit, durations, steps }) => {
        let pure: WindowState = [];
        const mutable = mutableWindow([]);
        let now = T0;
        for (const step of steps) {
          now += step.delta;
          const request = { limit, durationMs: step.second ? durations[1] : durations[0], cost: step.cost };
          const expected = checkWindow(pure, request, now);
          expect(windowAdmits(mutable, request, now)).toBe(expected.decision.allowed);
          const remaining = admitInPlace(mutable, request, now);
          if (expected.decision.allowed) {
            expect(remaining).toBe(expected.decision.remaining);
            expect(windowLogResetMs(mutable, request.durationMs, now)).toBe(expected.decision.resetMs);
            pure = expected.state;
          } else {
            expect(remaining).toBe(-1);
          }
          expect(windowEntries(mutable)).toEqual(plain(pure));
          expect(windowLogResetMs(mutable, request.durationMs, now + 7)).toBe(windowResetMs(pure, request.durationMs, now + 7));
          expect(mutable.cost).toBe(pure.reduce((sum, entry) => sum + entry.cost, 0));
        }
      }),
      { numRuns: 500 },
    );
  });

  it("changes nothing when it refuses", () => {
    const window = mutableWindow([]);
    expect(admitInPlace(window, { limit: 2, durationMs: 1_000, cost: 2 }, T0)).toBe(0);
    const before = windowEntries(window);
    expect(admitInPlace(window, { limit: 2, durationMs: 1_000, cost: 1 }, T0 + 10)).toBe(-1);
    expect(windowEntries(window)).toEqual(before);
    expect(window.cost).toBe(2);
    expect(admitInPlace(window, { limit: 2, durationMs: 1_000, cost: 1 }, T0 + 1_000)).toBe(1);
    expect(window.cost).toBe(1);
  });

  it("copies a state without changing it", () => {
    const state = checkWindow([], { limit: 5, durationMs: 1_000, cost: 3 }, T0).state;
    const window = mutableWindow(state);
    admitInPlace(window, { limit: 5, durationMs: 1_000, cost: 1 }, T0 + 1);
    expect(plain(state)).toEqual([{ at: T0, first: T0, cost: 3 }]);
    expect(window.cost).toBe(4);
  });
});
