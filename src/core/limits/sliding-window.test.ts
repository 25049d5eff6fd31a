import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SLOTS_PER_WINDOW, checkWindow, slotMs, windowRequestProblem, windowResetMs, windowUsage, type WindowState } from "./sliding-window.js";

const T0 = 1_700_000_000_000;

interface Step {
  delta: number;
  cost: number;
}
interface Scenario {
  limit: number;
  durationMs: number;
  steps: Step[];
}

// Time steps of every scale: bursts inside one slot, steps of a few slots, jumps landing near the
// window's edge (where merged and exact logs differ), and gaps longer than a window.
const scenarios: fc.Arbitrary<Scenario> = fc
  .record({ limit: fc.oneof(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 300 })), durationMs: fc.integer({ min: 1, max: 5_000 }) })
  .chain(({ limit, durationMs }) => {
    const slot = slotMs(durationMs);
    return fc.record({
      limit: fc.constant(limit),
      durationMs: fc.constant(durationMs),
      steps: fc.array(
        fc.record({
          delta: fc.oneof(
            { weight: 4, arbitrary: fc.integer({ min: 0, max: slot }) },
            { weight: 2, arbitrary: fc.integer({ min: 0, max: 3 * slot }) },
            { weight: 2, arbitrary: fc.integer({ min: Math.max(0, durationMs - 2 * slot), max: durationMs + 2 * slot }) },
            { weight: 1, arbitrary: fc.integer({ min: 0, max: durationMs * 2 }) },
          ),
          cost: fc.oneof(fc.constant(1), fc.integer({ min: 0, max: Math.min(limit + 2, 40) })),
        }),
        { maxLength: 200 },
      ),
    });
  });

/** Runs a scenario, calling `inspect` before each decision with the state it is made on. */
function run(scenario: Scenario, inspect?: (state: WindowState, now: number, step: Step) => void) {
  let state: WindowState = [];
  let now = T0;
  const admitted: { at: number; cost: number }[] = [];
  for (const step of scenario.steps) {
    now += step.delta;
    inspect?.(state, now, step);
    const result = checkWindow(state, { limit: scenario.limit, durationMs: scenario.durationMs, cost: step.cost }, now);
    if (result.decision.allowed) {
      state = result.state;
      if (step.cost > 0) admitted.push({ at: now, cost: step.cost });
    }
    expect(state.length).toBeLessThanOrEqual(SLOTS_PER_WINDOW + 2);
  }
  return { state, now, admitted };
}

/** The exact log: the cost admitted at times t with t + windowMs > now. */
const exactUsage = (admitted: { at: number; cost: number }[], windowMs: number, now: number) =>
  admitted.reduce((sum, entry) => sum + (entry.at + windowMs > now ? entry.cost : 0), 0);

describe("sliding window: properties", () => {
  it("never admits more than limit within any window of durationMs", () => {
    fc.assert(
      fc.property(scenarios, (scenario) => {
        const { admitted } = run(scenario);
        // The admitted sum over [s, s + duration) is largest for some s at an admission time.
        for (const start of admitted) {
          const inWindow = admitted.filter((entry) => entry.at >= start.at && entry.at < start.at + scenario.durationMs);
          expect(inWindow.reduce((sum, entry) => sum + entry.cost, 0)).toBeLessThanOrEqual(scenario.limit);
        }
      }),
      { numRuns: 400 },
    );
  });

  it("admits a full limit again after durationMs without traffic", () => {
    fc.assert(
      fc.property(scenarios, (scenario) => {
        const { state, now } = run(scenario);
        const later = now + scenario.durationMs;
        expect(windowUsage(state, scenario.durationMs, later)).toBe(0);
        const result = checkWindow(state, { limit: scenario.limit, durationMs: scenario.durationMs, cost: scenario.limit }, later);
        expect(result.decision).toMatchObject({ allowed: true, remaining: 0 });
      }),
      { numRuns: 300 },
    );
  });

  it("counts between the exact log and the exact log widened by one slot", () => {
    fc.assert(
      fc.property(scenarios, (scenario) => {
        const { durationMs, limit } = scenario;
        const slot = slotMs(durationMs);
        const admitted: { at: number; cost: number }[] = [];
        run(scenario, (state, now, step) => {
          const merged = windowUsage(state, durationMs, now);
          const exact = exactUsage(admitted, durationMs, now);
          const widened = exactUsage(admitted, durationMs + slot, now);
          // Never admits where the exact log (on the same history) refuses...
          expect(merged).toBeGreaterThanOrEqual(exact);
          // ...and its excess is at most what was admitted in the one slot just before the window.
          expect(merged).toBeLessThanOrEqual(widened);
          const mergedAdmits = merged + step.cost <= limit;
          if (mergedAdmits) expect(exact + step.cost).toBeLessThanOrEqual(limit);
          if (mergedAdmits && step.cost > 0) admitted.push({ at: now, cost: step.cost });
        });
      }),
      { numRuns: 400 },
    );
  });

  it("reports remaining, reset and retry-after that hold when acted on", () => {
    fc.assert(
      fc.property(scenarios, fc.integer({ min: 0, max: 40 }), (scenario, probeCost) => {
        const { durationMs, limit } = scenario;
        run(scenario, (state, now) => {
          const request = { limit, durationMs, cost: probeCost };
          const { decision, state: after } = checkWindow(state, request, now);
          const current = decision.allowed ? after : state;
          expect(decision.remaining).toBe(Math.max(0, limit - windowUsage(current, durationMs, now)));
          if (decision.allowed) {
            // Exactly `remaining` more fits now, one more does not.
            expect(checkWindow(after, { limit, durationMs, cost: decision.remaining }, now).decision.allowed).toBe(true);
            expect(checkWindow(after, { limit, durationMs, cost: decision.remaining + 1 }, now).decision.allowed).toBe(false);
          }
          expect(windowUsage(current, durationMs, now + decision.resetMs)).toBe(0);
          if (decision.resetMs > 0) expect(windowUsage(current, durationMs, now + decision.resetMs - 1)).toBeGreaterThan(0);
          if (decision.allowed) return expect(decision.retryAfterMs).toBeNull();
          if (probeCost > limit) return expect(decision.retryAfterMs).toBeNull();
          const wait = decision.retryAfterMs!;
          expect(wait).toBeGreaterThan(0);
          expect(wait).toBeLessThanOrEqual(decision.resetMs);
          expect(checkWindow(state, request, now + wait).decision.allowed).toBe(true);
          expect(checkWindow(state, request, now + wait - 1).decision.allowed).toBe(false);
        });
      }),
      { numRuns: 200 },
    );
  });
});

describe("sliding window: examples", () => {
  const policy = { limit: 5, durationMs: 1_000 };

  it("admits exactly the limit, then refuses until the first admission expires", () => {
    let state: WindowState = [];
    for (let i = 0; i < 5; i++) {
      const result = checkWindow(state, { ...policy, cost: 1 }, T0 + i * 100);
      expect(result.decision).toEqual({ allowed: true, remaining: 4 - i, resetMs: 1_000, retryAfterMs: null });
      state = result.state;
    }
    const refused = checkWindow(state, { ...policy, cost: 1 }, T0 + 500);
    expect(refused.decision).toEqual({ allowed: false, remaining: 0, resetMs: 900, retryAfterMs: 500 });
    expect(refused.state).toBe(state);
    expect(checkWindow(state, { ...policy, cost: 1 }, T0 + 999).decision.allowed).toBe(false);
    expect(checkWindow(state, { ...policy, cost: 1 }, T0 + 1_000).decision).toMatchObject({ allowed: true, remaining: 0 });
    // Needing three units back means waiting for the third admission to expire.
    expect(checkWindow(state, { ...policy, cost: 3 }, T0 + 500).decision.retryAfterMs).toBe(700);
  });

  it("does not let a second burst through at the window edge", () => {
    let state: WindowState = [];
    for (let i = 0; i < 5; i++) state = checkWindow(state, { ...policy, cost: 1 }, T0 + 990).state;
    // A token bucket refilled by now would admit again; 10 ms later the whole burst is still in the window.
    expect(checkWindow(state, { ...policy, cost: 1 }, T0 + 1_000).decision.allowed).toBe(false);
    expect(checkWindow(state, { ...policy, cost: 5 }, T0 + 1_990).decision.allowed).toBe(true);
  });

  it("merges admissions within one slot, counting them until the latest expires", () => {
    const durationMs = 6_400; // slot = 100 ms
    let state: WindowState = [];
    for (const at of [0, 50, 99]) state = checkWindow(state, { limit: 10, durationMs, cost: 2 }, T0 + at).state;
    expect(state).toEqual([{ at: T0 + 99, first: T0, cost: 6 }]);
    state = checkWindow(state, { limit: 10, durationMs, cost: 1 }, T0 + 100).state;
    expect(state).toHaveLength(2);
    // The admission at T0 would have left an exact log at T0 + 6400; the merged entry holds until T0 + 6499.
    expect(windowUsage(state, durationMs, T0 + 6_400)).toBe(7);
    expect(windowUsage(state, durationMs, T0 + 6_499)).toBe(1);
  });

  it("treats cost 0 as a report that consumes nothing", () => {
    const first = checkWindow([], { ...policy, cost: 3 }, T0);
    const report = checkWindow(first.state, { ...policy, cost: 0 }, T0 + 10);
    expect(report.decision).toEqual({ allowed: true, remaining: 2, resetMs: 990, retryAfterMs: null });
    expect(report.state).toEqual(first.state);
    expect(checkWindow([], { limit: 0, durationMs: 1_000, cost: 0 }, T0).decision).toEqual({ allowed: true, remaining: 0, resetMs: 0, retryAfterMs: null });
  });

  it("never admits a cost above the limit, and says so with a null retry-after", () => {
    expect(checkWindow([], { ...policy, cost: 6 }, T0).decision).toEqual({ allowed: false, remaining: 5, resetMs: 0, retryAfterMs: null });
  });

  it("keeps counting when the clock steps back", () => {
    let state = checkWindow([], { ...policy, cost: 5 }, T0 + 5_000).state;
    // An earlier `now` must not shorten the admission's life nor let anything through.
    expect(checkWindow(state, { ...policy, cost: 1 }, T0).decision.allowed).toBe(false);
    state = checkWindow([], { ...policy, cost: 1 }, T0 + 5_000).state;
    state = checkWindow(state, { ...policy, cost: 1 }, T0).state;
    expect(state.every((entry) => entry.at === T0 + 5_000)).toBe(true);
    expect(windowResetMs(state, 1_000, T0 + 5_000)).toBe(1_000);
  });

  it("describes malformed requests", () => {
    expect(windowRequestProblem({ limit: 1, durationMs: 1, cost: 0 })).toBeNull();
    expect(windowRequestProblem({ limit: -1, durationMs: 1_000, cost: 1 })).toMatch(/limit/);
    expect(windowRequestProblem({ limit: 1.5, durationMs: 1_000, cost: 1 })).toMatch(/limit/);
    expect(windowRequestProblem({ limit: 1, durationMs: 0, cost: 1 })).toMatch(/durationMs/);
    expect(windowRequestProblem({ limit: 1, durationMs: Number.NaN, cost: 1 })).toMatch(/durationMs/);
    expect(windowRequestProblem({ limit: 1, durationMs: 1_000, cost: -1 })).toMatch(/cost/);
    expect(windowRequestProblem({ limit: 1e13, durationMs: 1_000, cost: 1 })).toMatch(/limit/);
  });
});
