import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_RETRY_SCHEDULE_MS, MAX_RETRY_AFTER_MS, parseRetryAfter, planAfterAttempt, retryDelayMs } from "./retry-schedule.js";

const NOW = new Date("2025-03-04T05:06:07.000Z");
const HOUR = 3_600_000;

describe("retry schedule", () => {
  it("adds up to about three days over 11 attempts", () => {
    const total = DEFAULT_RETRY_SCHEDULE_MS.reduce((sum, step) => sum + step, 0);
    expect(DEFAULT_RETRY_SCHEDULE_MS).toHaveLength(10);
    expect(total / HOUR).toBeGreaterThan(66);
    expect(total / HOUR).toBeLessThan(78);
    // Each step is at least the one before: backoff never speeds up.
    DEFAULT_RETRY_SCHEDULE_MS.forEach((step, i) => expect(step).toBeGreaterThanOrEqual(DEFAULT_RETRY_SCHEDULE_MS[i - 1] ?? 0));
  });

  it("jitters every step within [½, 1½) of its nominal value", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 }), fc.double({ min: 0, max: 1, noNaN: true }), (retry, unit) => {
        const nominal = DEFAULT_RETRY_SCHEDULE_MS[retry - 1]!;
        const delay = retryDelayMs(retry, DEFAULT_RETRY_SCHEDULE_MS, unit)!;
        expect(delay).toBeGreaterThanOrEqual(nominal / 2);
        expect(delay).toBeLessThanOrEqual(nominal * 1.5);
      }),
    );
    expect(retryDelayMs(1, DEFAULT_RETRY_SCHEDULE_MS, 0)).toBe(2_500);
    expect(retryDelayMs(1, DEFAULT_RETRY_SCHEDULE_MS, 0.5)).toBe(5_000);
  });

  it("has no step after the last one", () => {
    expect(retryDelayMs(11, DEFAULT_RETRY_SCHEDULE_MS, 0.5)).toBeNull();
    expect(retryDelayMs(0, DEFAULT_RETRY_SCHEDULE_MS, 0.5)).toBeNull();
  });
});

describe("parseRetryAfter", () => {
  it.each([
    ["120", 120_000],
    [" 0 ", 0],
    ["Tue, 04 Mar 2025 05:08:07 GMT", 120_000],
    ["Tue, 04 Mar 2025 05:00:00 GMT", 0],
  ])("reads %j", (value, ms) => expect(parseRetryAfter(value, NOW)).toBe(ms));

  it.each([undefined, null, "", "-5", "1.5", "soon", "2025-03-04", "12345678901"])("ignores %j", (value) => {
    expect(parseRetryAfter(value as string | undefined, NOW)).toBeNull();
  });
});

describe("planAfterAttempt", () => {
  const plan = (attempts: number, status: number | null, retryAfter?: string) =>
    planAfterAttempt({ attempts, outcome: { status, retryAfter: retryAfter ?? null }, now: NOW, schedule: DEFAULT_RETRY_SCHEDULE_MS, unit: 0.5 });

  it("delivers on 2xx only", () => {
    for (const status of [200, 201, 204, 299]) expect(plan(1, status)).toEqual({ kind: "delivered" });
    for (const status of [301, 302, 400, 404, 500]) expect(plan(1, status).kind).toBe("retry");
    expect(plan(1, null)).toEqual({ kind: "retry", at: new Date(NOW.getTime() + 5_000) });
  });

  it("stops for good on 410", () => expect(plan(1, 410)).toEqual({ kind: "gone" }));

  it("fails after the last scheduled retry", () => {
    expect(plan(10, 500).kind).toBe("retry");
    expect(plan(11, 500)).toEqual({ kind: "failed" });
  });

  it("honours Retry-After on 429 and 503, capped", () => {
    expect(plan(1, 429, "60")).toEqual({ kind: "retry", at: new Date(NOW.getTime() + 60_000) });
    expect(plan(3, 503, "Tue, 04 Mar 2025 06:06:07 GMT")).toEqual({ kind: "retry", at: new Date(NOW.getTime() + HOUR) });
    expect(plan(1, 429, "9999999")).toEqual({ kind: "retry", at: new Date(NOW.getTime() + MAX_RETRY_AFTER_MS) });
    // Other statuses keep the schedule; an unreadable value too.
    expect(plan(1, 500, "60")).toEqual({ kind: "retry", at: new Date(NOW.getTime() + 5_000) });
    expect(plan(1, 429, "later")).toEqual({ kind: "retry", at: new Date(NOW.getTime() + 5_000) });
    // Retry-After does not buy attempts beyond the schedule.
    expect(plan(11, 429, "1")).toEqual({ kind: "failed" });
  });
});
