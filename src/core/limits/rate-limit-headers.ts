// Limit results as HTTP headers for whoever answers an API's own clients (gateway, middleware):
// `RateLimit-Policy` and `RateLimit` per draft-ietf-httpapi-ratelimit-headers-10, and `Retry-After`.
import { serializeList, type Item, type Parameters } from "structured-headers";

export interface RateLimitPolicyInfo {
  /** The policy name (`burst`, `daily`): a Structured Field String, as the draft requires. */
  name: string;
  limit: number;
  durationMs: number;
  /** The draft's `qu`; omitted means its default, "requests". */
  quotaUnit?: "requests" | "content-bytes" | "concurrent-requests";
}

export interface RateLimitState {
  name: string;
  remaining: number;
  resetMs: number;
  allowed: boolean;
  retryAfterMs: number | null;
}

export type RateLimitHeaderInput = RateLimitPolicyInfo & RateLimitState;

/** Whole seconds, rounded up: a client told to wait must never come back early. */
export function secondsCeil(ms: number): number {
  return Math.max(0, Math.ceil(ms / 1000));
}

// SF Strings allow printable ASCII only; a stray character must not make the serializer throw while
// answering a request, so it is replaced.
function policyName(name: string): string {
  return name.replace(/[^\x20-\x7e]/g, "?");
}

/** `RateLimit-Policy`: `"burst";q=100;w=60,"daily";q=1000;w=86400`. */
export function formatRateLimitPolicy(policies: readonly RateLimitPolicyInfo[]): string {
  return serializeList(
    policies.map((policy): Item => {
      const params: Parameters = new Map<string, number | string>([["q", Math.max(0, Math.floor(policy.limit))]]);
      if (policy.quotaUnit) params.set("qu", policy.quotaUnit);
      // The draft's window is a non-zero integer of seconds; a sub-second window is announced as 1 s.
      params.set("w", Math.max(1, secondsCeil(policy.durationMs)));
      return [policyName(policy.name), params];
    }),
  );
}

/**
 * `t` is the draft's "seconds until additional quota is made available". For a refused limit that is
 * when this request could pass (its retry-after), which keeps `Retry-After` from naming a time before
 * `t` (draft §6); otherwise it is when the full limit is back.
 */
function resetSeconds(state: RateLimitState): number {
  if (!state.allowed && state.retryAfterMs !== null) return secondsCeil(state.retryAfterMs);
  return secondsCeil(state.resetMs);
}

/** `RateLimit`: `"default";r=50;t=30`. */
export function formatRateLimit(states: readonly RateLimitState[]): string {
  return serializeList(
    states.map((state): Item => [
      policyName(state.name),
      new Map<string, number>([
        ["r", Math.max(0, Math.floor(state.remaining))],
        ["t", resetSeconds(state)],
      ]),
    ]),
  );
}

/**
 * Seconds after which the refused request could pass: the longest wait among the refused limits.
 * Null when nothing was refused, or when a refused request can never pass (its cost exceeds a limit).
 */
export function retryAfterSeconds(states: readonly RateLimitState[]): number | null {
  let seconds: number | null = null;
  for (const state of states) {
    if (state.allowed) continue;
    if (state.retryAfterMs === null) return null;
    seconds = Math.max(seconds ?? 0, secondsCeil(state.retryAfterMs));
  }
  return seconds;
}

/** The headers for one response: none when no limit applied, `Retry-After` only when refused. */
export function rateLimitHeaders(limits: readonly RateLimitHeaderInput[]): Record<string, string> {
  if (limits.length === 0) return {};
  const headers: Record<string, string> = {
    "RateLimit-Policy": formatRateLimitPolicy(limits),
    RateLimit: formatRateLimit(limits),
  };
  const retryAfter = retryAfterSeconds(limits);
  if (retryAfter !== null) headers["Retry-After"] = String(retryAfter);
  return headers;
}

/** A limit as the verify answer carries it: `reset` is epoch milliseconds. */
export interface AnsweredLimit {
  name: string;
  limit: number;
  durationMs: number;
  remaining: number;
  reset: number;
  allowed: boolean;
  retryAfterMs: number | null;
}

/**
 * A remote verify answer's limits as header input (SDK middleware, remote gateway). The two hosts'
 * clocks agree far better than the 1 s the headers count in.
 */
export function headerInputFromAnswer(limits: readonly AnsweredLimit[], now: number): RateLimitHeaderInput[] {
  return limits.map((limit) => ({
    name: limit.name,
    limit: limit.limit,
    durationMs: limit.durationMs,
    remaining: limit.remaining,
    resetMs: Math.max(0, limit.reset - now),
    allowed: limit.allowed,
    retryAfterMs: limit.retryAfterMs,
  }));
}
