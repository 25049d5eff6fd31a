// The memory limiter (which changes its buckets in place) against the pure core, decision for decision:
// random multi-limit calls on a shared timeline, refusals, buckets named twice, reports of cost 0.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkBuckets, type BucketRequest, type WindowState } from "../../src/core/limits/index.js";
import { MemoryLimiter } from "../../src/limits/memory/memory-limiter.js";

const T0 = 1_700_000_000_000;
const BUCKETS = ["a", "b", "c"];

const callsWith = (backwards: boolean) => fc.record({ durationMs: fc.integer({ min: 1, max: 3_000 }), limit: fc.integer({ min: 0, max: 20 }) }).chain(({ durationMs, limit }) =>
  fc.array(
    fc.record({
      delta: fc.oneof(
        { weight: 2, arbitrary: fc.constantFrom(0, 1, durationMs - 1, durationMs, durationMs + 1) },
        { weight: 3, arbitrary: fc.integer({ min: 0, max: Math.max(1, Math.floor(durationMs / 32)) }) },
        { weight: 3, arbitrary: fc.integer({ min: 0, max: durationMs + 50 }) },
        { weight: 1, arbitrary: fc.integer({ min: 0, max: 12_000 }) },
        { weight: backwards ? 1 : 0, arbitrary: fc.integer({ min: -100, max: -1 }) },
      ),
      requests: fc.array(
        fc.record({
          bucket: fc.constantFrom(...BUCKETS),
          name: fc.constantFrom("burst", "daily"),
          limit: fc.oneof(fc.constant(limit), fc.integer({ min: 0, max: 20 })),
          durationMs: fc.constant(durationMs),
          cost: fc.oneof(fc.constant(1), fc.integer({ min: 0, max: 8 })),
        }),
        { minLength: 1, maxLength: 3 },
      ),
    }),
    { minLength: 1, maxLength: 60 },
  ),
);

// A bucket whose entries have all expired is swept; a clock that then steps back finds it gone where the
// pure state still counts it (as Redis, whose keys expire). So the clock steps back only without sweeps.
describe.each([
  { clock: "moving forward, expired buckets swept", backwards: false, sweepIntervalMs: 1_000 },
  { clock: "sometimes stepping back, no sweep", backwards: true, sweepIntervalMs: Number.POSITIVE_INFINITY },
])("memory limiter equals the pure core, clock $clock", ({ backwards, sweepIntervalMs }) => {
  it("decides every call of a random sequence the same way", () => {
    fc.assert(
      fc.property(callsWith(backwards), (sequence: { delta: number; requests: (BucketRequest & { name: string })[] }[]) => {
        const limiter = new MemoryLimiter({ sweepIntervalMs });
        const states = new Map<string, WindowState>();
        let now = T0;
        for (const call of sequence) {
          now += call.delta;
          const expected = checkBuckets(call.requests, (bucket) => states.get(bucket) ?? [], now);
          if (expected.allowed) for (const [bucket, state] of expected.states) states.set(bucket, state);
          const actual = limiter.checkNow(call.requests, now);
          expect(actual).toEqual({
            allowed: expected.allowed,
            results: call.requests.map((request, index) => ({ name: request.name, limit: request.limit, ...expected.decisions[index]! })),
          });
        }
      }),
      { numRuns: 300 },
    );
  });
});

// The verifier's path for a cached key's one auto-apply limit: the bucket held between calls (`admitHeld`),
// mixed with general calls on the same buckets, sweeps that drop held buckets, and a holder that names a
// bucket other than the one it holds. A refusal changes nothing and `checkNow` then gives its details.
describe("memory limiter with held buckets equals the pure core", () => {
  it("decides every call of a random sequence the same way", () => {
    const sequences = callsWith(false).chain((calls) =>
      fc.tuple(fc.constant(calls), fc.array(fc.record({ held: fc.boolean(), holder: fc.integer({ min: 0, max: 3 }) }), { minLength: calls.length, maxLength: calls.length })),
    );
    fc.assert(
      fc.property(sequences, ([sequence, ways]) => {
        const limiter = new MemoryLimiter({ sweepIntervalMs: 1_000 });
        const holders = [0, 1, 2, 3].map(() => ({ heldBucket: null as object | null }));
        const states = new Map<string, WindowState>();
        let now = T0;
        sequence.forEach((call, step) => {
          now += call.delta;
          const expected = checkBuckets(call.requests, (bucket) => states.get(bucket) ?? [], now);
          if (expected.allowed) for (const [bucket, state] of expected.states) states.set(bucket, state);
          const results = call.requests.map((request, index) => ({ name: request.name, limit: request.limit, ...expected.decisions[index]! }));
          const way = ways[step]!;
          if (way.held && call.requests.length === 1) {
            const request = call.requests[0]!;
            const held = limiter.admitHeld(request, now, holders[way.holder]!);
            if (held !== null) {
              expect(expected.allowed).toBe(true);
              expect(held).toEqual({ ...results[0], durationMs: request.durationMs });
              return;
            }
            expect(expected.allowed).toBe(false);
          }
          expect(limiter.checkNow(call.requests, now)).toEqual({ allowed: expected.allowed, results });
        });
      }),
      { numRuns: 300 },
    );
  });

  it("lets go of a bucket that was swept: a held reference never counts in a dropped window", () => {
    const limiter = new MemoryLimiter({ sweepIntervalMs: 1_000 });
    const holder = { heldBucket: null as object | null };
    const request = { bucket: "k:1:burst", name: "burst", limit: 2, durationMs: 1_000, cost: 1 };
    expect(limiter.admitHeld(request, T0, holder)?.remaining).toBe(1);
    expect(limiter.admitHeld(request, T0 + 1, holder)?.remaining).toBe(0);
    expect(limiter.admitHeld(request, T0 + 2, holder)).toBeNull();
    // Expired and swept; a general call makes a new bucket of that name, which the holder must now use.
    expect(limiter.checkNow([request], T0 + 5_000).results[0]!.remaining).toBe(1);
    expect(limiter.size).toBe(1);
    expect(limiter.admitHeld(request, T0 + 5_001, holder)?.remaining).toBe(0);
    expect(limiter.checkNow([request], T0 + 5_002).allowed).toBe(false);
  });
});
