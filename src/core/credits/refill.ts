// When credits refill: `daily` at 00:00 UTC, `monthly` on a day of the month at 00:00 UTC (clamped to
// the month's last day), or every N ms counted from the previous refill. Pure: `now` is an input.
import type { CreditRefill } from "../records.js";

const DAY_MS = 86_400_000;

function startOfUtcDay(time: number): number {
  return Math.floor(time / DAY_MS) * DAY_MS;
}

function monthlyBoundary(year: number, month: number, day: number): number {
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return Date.UTC(year, month, Math.min(day, lastDay));
}

/** The latest refill boundary at or before `now`. */
export function latestRefillBoundary(refill: CreditRefill, refilledAt: number | null, now: number): number {
  if (refill.interval === "daily") return startOfUtcDay(now);
  if (refill.interval === "monthly") {
    const date = new Date(now);
    const day = refill.day ?? 1;
    const thisMonth = monthlyBoundary(date.getUTCFullYear(), date.getUTCMonth(), day);
    return thisMonth <= now ? thisMonth : monthlyBoundary(date.getUTCFullYear(), date.getUTCMonth() - 1, day);
  }
  const anchor = refilledAt ?? now;
  return anchor + Math.floor((now - anchor) / refill.interval) * refill.interval;
}

/** The boundary of a refill that is due at `now`, or null when none is. */
export function dueRefill(refill: CreditRefill | null, refilledAt: number | null, now: number): number | null {
  if (!refill) return null;
  const boundary = latestRefillBoundary(refill, refilledAt, now);
  return refilledAt === null || refilledAt < boundary ? boundary : null;
}

/** The next refill after `now` (for display and the `reset` of a credits answer). */
export function nextRefillAt(refill: CreditRefill, refilledAt: number | null, now: number): number {
  if (refill.interval === "daily") return startOfUtcDay(now) + DAY_MS;
  if (refill.interval === "monthly") {
    const date = new Date(now);
    const day = refill.day ?? 1;
    const thisMonth = monthlyBoundary(date.getUTCFullYear(), date.getUTCMonth(), day);
    return thisMonth > now ? thisMonth : monthlyBoundary(date.getUTCFullYear(), date.getUTCMonth() + 1, day);
  }
  return latestRefillBoundary(refill, refilledAt, now) + refill.interval;
}
