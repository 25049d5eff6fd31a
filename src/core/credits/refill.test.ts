import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dueRefill, latestRefillBoundary, nextRefillAt } from "./refill.js";

const at = (iso: string) => Date.parse(iso);

describe("credit refills", () => {
  it("refills daily at 00:00 UTC, once per day", () => {
    const refill = { amount: 100, interval: "daily" as const };
    const last = at("2026-11-23T00:00:00Z");
    expect(dueRefill(refill, last, at("2026-11-23T23:59:59Z"))).toBeNull();
    expect(dueRefill(refill, last, at("2026-11-24T00:00:00Z"))).toBe(at("2026-11-24T00:00:00Z"));
    expect(dueRefill(refill, null, at("2026-11-24T10:00:00Z"))).toBe(at("2026-11-24T00:00:00Z"));
    expect(nextRefillAt(refill, last, at("2026-11-23T10:00:00Z"))).toBe(at("2026-11-24T00:00:00Z"));
  });

  it("refills monthly on the given day, clamped to short months", () => {
    const refill = { amount: 5, interval: "monthly" as const, day: 31 };
    expect(latestRefillBoundary(refill, null, at("2027-02-28T12:00:00Z"))).toBe(at("2027-02-28T00:00:00Z"));
    expect(latestRefillBoundary(refill, null, at("2027-02-27T12:00:00Z"))).toBe(at("2027-01-31T00:00:00Z"));
    expect(dueRefill(refill, at("2027-01-31T00:00:00Z"), at("2027-02-27T00:00:00Z"))).toBeNull();
    expect(dueRefill(refill, at("2027-01-31T00:00:00Z"), at("2027-02-28T00:00:01Z"))).toBe(at("2027-02-28T00:00:00Z"));
    expect(nextRefillAt(refill, null, at("2027-02-28T00:00:01Z"))).toBe(at("2027-03-31T00:00:00Z"));
    expect(latestRefillBoundary({ amount: 1, interval: "monthly" }, null, at("2027-01-15T00:00:00Z"))).toBe(at("2027-01-01T00:00:00Z"));
  });

  it("refills every interval counted from the previous refill", () => {
    const refill = { amount: 10, interval: 60_000 };
    expect(dueRefill(refill, 1_000, 60_999)).toBeNull();
    expect(dueRefill(refill, 1_000, 61_000)).toBe(61_000);
    expect(dueRefill(refill, 1_000, 200_000)).toBe(181_000);
    expect(nextRefillAt(refill, 1_000, 200_000)).toBe(241_000);
  });

  it("never reports a boundary in the future, and a refill at the boundary is not due again until the next", () => {
    const refills = fc.oneof(
      fc.constant({ amount: 1, interval: "daily" as const }),
      fc.integer({ min: 1, max: 31 }).map((day) => ({ amount: 1, interval: "monthly" as const, day })),
      fc.integer({ min: 1, max: 10 * 86_400_000 }).map((interval) => ({ amount: 1, interval })),
    );
    const time = fc.integer({ min: at("2000-01-01T00:00:00Z"), max: at("2100-01-01T00:00:00Z") });
    fc.assert(
      fc.property(refills, time, fc.integer({ min: 0, max: 400 * 86_400_000 }), (refill, start, elapsed) => {
        const now = start + elapsed;
        const boundary = dueRefill(refill, start, now);
        if (boundary === null) return;
        expect(boundary).toBeLessThanOrEqual(now);
        expect(boundary).toBeGreaterThan(start);
        expect(dueRefill(refill, boundary, now)).toBeNull();
        expect(nextRefillAt(refill, boundary, now)).toBeGreaterThan(now);
      }),
    );
  });
});
