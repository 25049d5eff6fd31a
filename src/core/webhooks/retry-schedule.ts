// When a failed webhook delivery is tried again: a fixed exponential schedule (about three days in
// all) with jitter, `Retry-After` honoured on 429/503, 410 meaning "stop for good". Pure: `now` and the
// random draw are inputs.

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * Nominal wait before retry 1, 2, … (10 retries, 11 attempts; the steps add up to ~69.6 h). Public in
 * docs/webhooks.md.
 */
export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = [
  5 * SECOND,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  10 * HOUR,
  14 * HOUR,
  14 * HOUR,
  14 * HOUR,
];

/** The longest wait a receiver's `Retry-After` can ask for. */
export const MAX_RETRY_AFTER_MS = 14 * HOUR;

/**
 * The jittered wait before retry `retry` (1-based), or null when the schedule is exhausted. Each step
 * is drawn uniformly from [½, 1½) of its nominal value: the total stays about the nominal three days
 * while receivers coming back from an outage are not hit by every sender at the same instant.
 * `unit` is a random number in [0, 1).
 */
export function retryDelayMs(retry: number, schedule: readonly number[], unit: number): number | null {
  const nominal = Number.isInteger(retry) && retry >= 1 ? schedule[retry - 1] : undefined;
  if (nominal === undefined) return null;
  const draw = Math.min(Math.max(unit, 0), 1 - Number.EPSILON);
  return Math.round(nominal * (0.5 + draw));
}

/**
 * A `Retry-After` value (delay-seconds or an HTTP-date) as milliseconds from `now`, or null when it is
 * missing or unreadable. A date in the past means "now" (0).
 */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (/^\d{1,10}$/.test(text)) return Number(text) * SECOND;
  // HTTP-dates name their weekday and zone; anything Date.parse would guess from a bare number is refused above.
  if (!/^[A-Za-z]{3},? /.test(text) || !/GMT$/.test(text)) return null;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime());
}

export interface AttemptOutcome {
  /** The response status; null when no response came (timeout, refused connection, forbidden address). */
  status: number | null;
  retryAfter?: string | null;
}

export type DeliveryPlan =
  | { kind: "delivered" }
  /** 410 Gone: the receiver asks never to be called again; the endpoint gets disabled. */
  | { kind: "gone" }
  | { kind: "retry"; at: Date }
  | { kind: "failed" };

export interface PlanInput {
  /** Attempts made so far, this one included (≥ 1). */
  attempts: number;
  outcome: AttemptOutcome;
  now: Date;
  schedule: readonly number[];
  /** Random number in [0, 1). */
  unit: number;
  maxRetryAfterMs?: number;
}

/** What happens to a delivery after an attempt. 2xx only counts as delivered (a 3xx is not followed). */
export function planAfterAttempt(input: PlanInput): DeliveryPlan {
  const { status } = input.outcome;
  if (status !== null && status >= 200 && status < 300) return { kind: "delivered" };
  if (status === 410) return { kind: "gone" };
  const scheduled = retryDelayMs(input.attempts, input.schedule, input.unit);
  if (scheduled === null) return { kind: "failed" };
  let delay = scheduled;
  if (status === 429 || status === 503) {
    const asked = parseRetryAfter(input.outcome.retryAfter, input.now);
    if (asked !== null) delay = Math.min(asked, input.maxRetryAfterMs ?? MAX_RETRY_AFTER_MS);
  }
  return { kind: "retry", at: new Date(input.now.getTime() + delay) };
}
