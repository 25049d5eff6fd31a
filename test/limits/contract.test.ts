// The limiter contract: one suite, run against every adapter (memory always, Redis when
// KEYWARD_TEST_REDIS_URL names a server). It is also what keeps the Redis Lua equal to the TS core.
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import type { LimitRequest, Limiter } from "../../src/limits/index.js";
import { limiterAdapters } from "./adapters.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const bucket = (label: string) => `${label}:${randomUUID()}`;
const request = (bucketName: string, limit: number, durationMs: number, cost = 1, name = "burst"): LimitRequest => ({ bucket: bucketName, name, limit, durationMs, cost });

describe.each(limiterAdapters())("limiter contract: $name", (adapter) => {
  let nodes: Limiter[] = [];
  const limiter = async () => {
    if (nodes.length === 0) nodes = await adapter.open(3);
    return nodes[0]!;
  };
  const check = async (requests: LimitRequest[]) => (await limiter()).check(requests, Date.now());

  afterAll(async () => {
    await adapter.cleanup();
  });

  it("declares whether its state is shared by every node", async () => {
    expect((await limiter()).capabilities.shared).toBe(adapter.shared);
  });

  it("admits exactly the limit within a window, then refuses with a usable retry-after", async () => {
    const b = bucket("exact");
    for (let i = 0; i < 5; i++) {
      const outcome = await check([request(b, 5, 10_000)]);
      expect(outcome.allowed).toBe(true);
      expect(outcome.results[0]).toMatchObject({ name: "burst", limit: 5, allowed: true, remaining: 4 - i, retryAfterMs: null });
    }
    const refused = await check([request(b, 5, 10_000)]);
    expect(refused.allowed).toBe(false);
    const [result] = refused.results;
    expect(result).toMatchObject({ allowed: false, remaining: 0 });
    expect(result!.retryAfterMs).toBeGreaterThan(9_000);
    expect(result!.retryAfterMs).toBeLessThanOrEqual(10_000);
    expect(result!.resetMs).toBeGreaterThanOrEqual(result!.retryAfterMs!);
    expect(result!.resetMs).toBeLessThanOrEqual(10_000);
  });

  it("is all-or-nothing across several limits", async () => {
    const [a, b, c] = [bucket("a"), bucket("b"), bucket("c")];
    expect((await check([request(b, 2, 10_000, 2)])).allowed).toBe(true);
    const outcome = await check([request(a, 5, 10_000, 1, "burst"), request(b, 2, 10_000, 1, "hourly"), request(c, 3, 10_000, 1, "daily")]);
    expect(outcome.allowed).toBe(false);
    expect(outcome.results.map((r) => [r.name, r.allowed, r.remaining])).toEqual([
      ["burst", true, 5],
      ["hourly", false, 0],
      ["daily", true, 3],
    ]);
    // Nothing was taken from the limits that passed.
    const after = await check([request(a, 5, 10_000, 0), request(c, 3, 10_000, 0)]);
    expect(after.results.map((r) => r.remaining)).toEqual([5, 3]);
    // And when all pass, every one of them is charged.
    const both = await check([request(a, 5, 10_000, 2), request(c, 3, 10_000, 3)]);
    expect(both.allowed).toBe(true);
    expect(both.results.map((r) => r.remaining)).toEqual([3, 0]);
  });

  it("charges a bucket named twice in one call for both", async () => {
    const b = bucket("twice");
    const refused = await check([request(b, 3, 10_000, 2), request(b, 3, 10_000, 2)]);
    expect(refused.allowed).toBe(false);
    expect(refused.results.map((r) => r.remaining)).toEqual([3, 3]);
    const allowed = await check([request(b, 4, 10_000, 2), request(b, 4, 10_000, 2)]);
    expect(allowed.results.map((r) => r.remaining)).toEqual([2, 0]);
  });

  it("takes a cost above 1 and reports with cost 0", async () => {
    const b = bucket("cost");
    const remainingAfter = async (cost: number) => (await check([request(b, 10, 10_000, cost)])).results[0]!;
    expect(await remainingAfter(4)).toMatchObject({ allowed: true, remaining: 6 });
    expect(await remainingAfter(4)).toMatchObject({ allowed: true, remaining: 2 });
    expect(await remainingAfter(0)).toMatchObject({ allowed: true, remaining: 2, retryAfterMs: null });
    expect(await remainingAfter(0)).toMatchObject({ allowed: true, remaining: 2 });
    expect(await remainingAfter(4)).toMatchObject({ allowed: false, remaining: 2 });
    expect(await remainingAfter(2)).toMatchObject({ allowed: true, remaining: 0 });
    expect(await remainingAfter(0)).toMatchObject({ allowed: true, remaining: 0 });
    // A cost above the limit can never pass: no retry-after to promise.
    const tooBig = await check([request(bucket("big"), 10, 10_000, 11)]);
    expect(tooBig.results[0]).toMatchObject({ allowed: false, remaining: 10, retryAfterMs: null, resetMs: 0 });
  });

  it("admits again after the retry-after, and the full limit after the window", async () => {
    const b = bucket("recover");
    const durationMs = 600;
    for (let i = 0; i < 3; i++) expect((await check([request(b, 3, durationMs)])).allowed).toBe(true);
    const refused = (await check([request(b, 3, durationMs)])).results[0]!;
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(durationMs);
    await sleep(refused.retryAfterMs! + 30);
    expect((await check([request(b, 3, durationMs)])).allowed).toBe(true);
    await sleep(durationMs + 30);
    const full = await check([request(b, 3, durationMs, 3)]);
    expect(full.results[0]).toMatchObject({ allowed: true, remaining: 0 });
  });

  it("admits exactly the limit under 200 concurrent checks from three nodes", async () => {
    const b = bucket("race");
    const all = await adapter.open(3);
    const outcomes = await Promise.all(Array.from({ length: 200 }, (_, i) => all[i % 3]!.check([request(b, 50, 10_000)], Date.now())));
    expect(outcomes.filter((outcome) => outcome.allowed)).toHaveLength(50);
    const remaining = outcomes.filter((outcome) => outcome.allowed).map((outcome) => outcome.results[0]!.remaining);
    // Each admission saw a different count: no two callers were handed the same unit.
    expect(new Set(remaining).size).toBe(50);
  });

  it("answers an empty request without touching any state", async () => {
    expect(await check([])).toEqual({ allowed: true, results: [] });
  });

  it("refuses malformed limits with a RangeError", async () => {
    const b = bucket("bad");
    await expect(check([request(b, -1, 1_000)])).rejects.toThrow(RangeError);
    await expect(check([request(b, 1, 0)])).rejects.toThrow(RangeError);
    await expect(check([request(b, 1, 1_000, 0.5)])).rejects.toThrow(RangeError);
    await expect(check([{ ...request(b, 1, 1_000), bucket: "" }])).rejects.toThrow(RangeError);
  });
});
