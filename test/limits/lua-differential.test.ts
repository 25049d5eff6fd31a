// The Redis script against the TypeScript core, decision for decision: random multi-limit calls on a
// shared timeline, with `now` fixed through the script's test-only trailing argument.
import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkBuckets, type BucketRequest, type WindowState } from "../../src/core/limits/index.js";
import { SLIDING_WINDOW_LUA } from "../../src/limits/index.js";
import { deleteKeys } from "./adapters.js";
import { testRedisUrl } from "./redis-server.js";

const url = testRedisUrl();
// Keys expire in Redis's real time while this test runs on an invented clock, so here the script keeps
// its keys an hour instead; the expiry itself is covered by redis-limiter.test.ts.
const SCRIPT = SLIDING_WINDOW_LUA.replace("'PX', math.max(1, reset_of(entries, longest[key]))", "'PX', 3600000");

const T0 = 1_700_000_000_000;
const BUCKETS = ["a", "b", "c"];

interface Call {
  delta: number;
  requests: BucketRequest[];
}

const calls = fc.record({ durationMs: fc.integer({ min: 1, max: 3_000 }), limit: fc.integer({ min: 0, max: 20 }) }).chain(({ durationMs, limit }) =>
  fc.array(
    fc.record({
      // Exact window edges, steps within a slot, arbitrary steps, and now and then a clock stepping back.
      delta: fc.oneof(
        { weight: 2, arbitrary: fc.constantFrom(0, 1, durationMs - 1, durationMs, durationMs + 1) },
        { weight: 3, arbitrary: fc.integer({ min: 0, max: Math.max(1, Math.floor(durationMs / 32)) }) },
        { weight: 3, arbitrary: fc.integer({ min: 0, max: durationMs + 50 }) },
        { weight: 1, arbitrary: fc.integer({ min: -100, max: -1 }) },
      ),
      requests: fc.array(
        fc.record({
          bucket: fc.constantFrom(...BUCKETS),
          limit: fc.oneof(fc.constant(limit), fc.integer({ min: 0, max: 20 })),
          durationMs: fc.constant(durationMs),
          cost: fc.oneof(fc.constant(1), fc.integer({ min: 0, max: 8 })),
        }),
        { minLength: 1, maxLength: 3 },
      ),
    }),
    { minLength: 1, maxLength: 40 },
  ),
);

describe.skipIf(!url)("Redis script equals the TypeScript core", () => {
  const prefix = `keyward:test:diff:${randomBytes(6).toString("hex")}:`;
  let redis: Redis;

  beforeAll(() => {
    redis = new Redis(url!);
    expect(SCRIPT).not.toBe(SLIDING_WINDOW_LUA);
  });

  afterAll(async () => {
    redis.disconnect();
    await deleteKeys(url!, prefix);
  });

  it("decides every call of a random sequence the same way", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(calls, async (sequence: Call[]) => {
        const runPrefix = `${prefix}${run++}:`;
        const states = new Map<string, WindowState>();
        let now = T0;
        for (const call of sequence) {
          now += call.delta;
          const expected = checkBuckets(call.requests, (bucket) => states.get(bucket) ?? [], now);
          if (expected.allowed) for (const [bucket, state] of expected.states) states.set(bucket, state);

          const keys = call.requests.map((request) => runPrefix + request.bucket);
          const args = call.requests.flatMap((request) => [request.limit, request.durationMs, request.cost]);
          const reply = ((await redis.eval(SCRIPT, keys.length, ...keys, ...args, now)) as number[]).map(Number);
          const actual = {
            allowed: reply[0] === 1,
            decisions: call.requests.map((_, index) => ({
              allowed: reply[1 + 4 * index] === 1,
              remaining: reply[2 + 4 * index],
              resetMs: reply[3 + 4 * index],
              retryAfterMs: reply[4 + 4 * index]! < 0 ? null : reply[4 + 4 * index],
            })),
          };
          expect(actual).toEqual({ allowed: expected.allowed, decisions: expected.decisions });
        }
      }),
      { numRuns: 100 },
    );
  });
});
