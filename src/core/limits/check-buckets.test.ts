import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkBuckets, type BucketRequest } from "./check-buckets.js";
import { checkWindow, windowUsage, type WindowState } from "./sliding-window.js";

const T0 = 1_700_000_000_000;
const DURATION = 1_000;
const BUCKETS = ["a", "b", "c"] as const;

/** A bucket's state built from random past admissions within the last window. */
const histories = fc.array(fc.record({ ago: fc.integer({ min: 0, max: DURATION + 200 }), cost: fc.integer({ min: 1, max: 4 }) }), { maxLength: 8 }).map((past) => {
  let state: WindowState = [];
  for (const { ago, cost } of [...past].sort((x, y) => y.ago - x.ago)) {
    state = checkWindow(state, { limit: 1_000, durationMs: DURATION, cost }, T0 - ago).state;
  }
  return state;
});

const requests = fc.array(
  fc.record({ bucket: fc.constantFrom(...BUCKETS), limit: fc.integer({ min: 0, max: 12 }), durationMs: fc.constant(DURATION), cost: fc.integer({ min: 0, max: 5 }) }),
  { minLength: 1, maxLength: 4 },
);

describe("checkBuckets: all-or-nothing", () => {
  it("consumes from every bucket only when every limit allows, and changes nothing otherwise", () => {
    fc.assert(
      fc.property(fc.tuple(histories, histories, histories), requests, (states, batch: BucketRequest[]) => {
        const before = new Map(BUCKETS.map((bucket, index) => [bucket as string, states[index]!]));
        const snapshot = structuredClone([...before]);
        const outcome = checkBuckets(batch, (bucket) => before.get(bucket)!, T0);

        // The inputs are never mutated: a refused call leaves the states exactly as they were.
        expect([...before]).toEqual(snapshot);
        expect(outcome.allowed).toBe(outcome.decisions.every((decision) => decision.allowed));
        if (!outcome.allowed) {
          expect(outcome.states.size).toBe(0);
          for (const [index, request] of batch.entries()) {
            const used = windowUsage(before.get(request.bucket)!, DURATION, T0);
            expect(outcome.decisions[index]!.remaining).toBe(Math.max(0, request.limit - used));
          }
          return;
        }
        // Allowed: each bucket now holds exactly its old usage plus the costs charged to it.
        for (const bucket of BUCKETS) {
          const charged = batch.filter((request) => request.bucket === bucket).reduce((sum, request) => sum + request.cost, 0);
          const after = outcome.states.get(bucket) ?? before.get(bucket)!;
          expect(windowUsage(after, DURATION, T0)).toBe(windowUsage(before.get(bucket)!, DURATION, T0) + charged);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("refuses the whole request when one of three limits refuses", () => {
    const full = checkWindow([], { limit: 2, durationMs: DURATION, cost: 2 }, T0).state;
    const states = new Map<string, WindowState>([["burst", []], ["daily", full], ["hourly", []]]);
    const outcome = checkBuckets(
      [
        { bucket: "burst", limit: 10, durationMs: DURATION, cost: 1 },
        { bucket: "daily", limit: 2, durationMs: DURATION, cost: 1 },
        { bucket: "hourly", limit: 5, durationMs: DURATION, cost: 1 },
      ],
      (bucket) => states.get(bucket)!,
      T0 + 100,
    );
    expect(outcome.allowed).toBe(false);
    expect(outcome.decisions.map((decision) => decision.allowed)).toEqual([true, false, true]);
    // The limits that passed report what is really left: nothing was taken from them.
    expect(outcome.decisions[0]).toEqual({ allowed: true, remaining: 10, resetMs: 0, retryAfterMs: null });
    expect(outcome.decisions[1]).toEqual({ allowed: false, remaining: 0, resetMs: 900, retryAfterMs: 900 });
    expect(outcome.states.size).toBe(0);
  });

  it("charges a bucket named twice for both requests", () => {
    const outcome = checkBuckets(
      [
        { bucket: "a", limit: 3, durationMs: DURATION, cost: 2 },
        { bucket: "a", limit: 3, durationMs: DURATION, cost: 2 },
      ],
      () => [],
      T0,
    );
    expect(outcome.allowed).toBe(false);
    const twice = checkBuckets([{ bucket: "a", limit: 4, durationMs: DURATION, cost: 2 }, { bucket: "a", limit: 4, durationMs: DURATION, cost: 2 }], () => [], T0);
    expect(twice.allowed).toBe(true);
    expect(twice.decisions.map((decision) => decision.remaining)).toEqual([2, 0]);
    expect(windowUsage(twice.states.get("a")!, DURATION, T0)).toBe(4);
  });
});
