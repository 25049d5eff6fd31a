// Rate-limit math: a conservative sliding window log with merged entries. Pure: state in, state out.
//
// The property every limit must keep (issue 4): for any request sequence and any window of
// `durationMs`, the admitted cost never exceeds `limit`. A token bucket or GCRA with burst = limit
// breaks it (a full burst, then the refill, admits up to 2·limit − 1 inside one window), and a fixed
// window breaks it at the edge, so neither is used.
//
// State per bucket is a queue of entries `{ at, first, cost }`, oldest first. A request of cost c at
// `now` is admitted iff the cost of the live entries (at + durationMs > now) plus c is at most
// `limit`. An exact log would keep one entry per admission; to bound memory an admission within one
// slot (durationMs / 64, at least 1 ms) of the tail entry's FIRST admission is merged into the tail
// (cost added, `at` moved to now, `first` kept). A merged entry is counted until its LATEST admission
// expires, so merging can only refuse more than the exact log, never admit more: the property holds
// exactly. What it may refuse in excess is bounded by what was admitted in the one slot just before
// the window, and a bucket holds at most ~66 entries whatever the traffic. A cost of 0 only reports.
//
// The Redis adapter's Lua script (src/limits/redis/sliding-window-lua.ts) mirrors this file and
// check-buckets.ts step for step; the shared contract suite in test/limits/ (with a differential test
// of the script against these functions) is what keeps the two equal.

export interface WindowEntry {
  /** Time of the latest admission merged into this entry: it expires at `at + durationMs`. */
  readonly at: number;
  /** Time of the entry's first admission: later admissions merge while within one slot of it. */
  readonly first: number;
  readonly cost: number;
}

/** A bucket's entries, oldest first (`at` never decreases along the queue). */
export type WindowState = readonly WindowEntry[];

export interface WindowRequest {
  limit: number;
  durationMs: number;
  /** 0 reports the state and consumes nothing. */
  cost: number;
}

export interface WindowDecision {
  allowed: boolean;
  /** What is left in the window after this decision (after consumption when allowed). */
  remaining: number;
  /** Milliseconds until every current entry has expired: the full limit is back (0 if none). */
  resetMs: number;
  /** When refused: the smallest wait after which this request would pass; null if it never can. */
  retryAfterMs: number | null;
}

export const SLOTS_PER_WINDOW = 64;
/** Bounds that keep every sum an exact integer in a double, in TypeScript and in Redis's Lua alike. */
export const WINDOW_LIMITS = { maxLimit: 1e12, maxCost: 1e12, maxDurationMs: 1e11 } as const;

export function slotMs(durationMs: number): number {
  return Math.max(1, Math.floor(durationMs / SLOTS_PER_WINDOW));
}

/** Why a request cannot be evaluated, or null when it is well formed. */
export function windowRequestProblem(request: WindowRequest): string | null {
  const { limit, durationMs, cost } = request;
  if (!Number.isSafeInteger(limit) || limit < 0 || limit > WINDOW_LIMITS.maxLimit) return `limit must be an integer in 0..${WINDOW_LIMITS.maxLimit}`;
  if (!Number.isSafeInteger(durationMs) || durationMs < 1 || durationMs > WINDOW_LIMITS.maxDurationMs)
    return `durationMs must be an integer in 1..${WINDOW_LIMITS.maxDurationMs}`;
  if (!Number.isSafeInteger(cost) || cost < 0 || cost > WINDOW_LIMITS.maxCost) return `cost must be an integer in 0..${WINDOW_LIMITS.maxCost}`;
  return null;
}

/** Index of the first live entry: everything before it has expired at `now`. */
function firstLive(state: WindowState, durationMs: number, now: number): number {
  let index = 0;
  while (index < state.length && state[index]!.at + durationMs <= now) index++;
  return index;
}

function usedFrom(state: WindowState, start: number): number {
  let used = 0;
  for (let index = start; index < state.length; index++) used += state[index]!.cost;
  return used;
}

/** Milliseconds until every entry has expired at `now`: when the full limit is back. */
export function windowResetMs(state: WindowState, durationMs: number, now: number): number {
  const last = state[state.length - 1];
  return last ? Math.max(0, last.at + durationMs - now) : 0;
}

/** The cost in the window at `now`, without changing anything. */
export function windowUsage(state: WindowState, durationMs: number, now: number): number {
  return usedFrom(state, firstLive(state, durationMs, now));
}

function retryAfter(state: WindowState, start: number, used: number, request: WindowRequest, now: number): number | null {
  if (request.cost > request.limit) return null;
  // Entries expire oldest first; wait for the first one whose expiry frees enough.
  const need = used + request.cost - request.limit;
  let freed = 0;
  for (let index = start; index < state.length; index++) {
    const entry = state[index]!;
    freed += entry.cost;
    if (freed >= need) return entry.at + request.durationMs - now;
  }
  return null; // unreachable while cost <= limit: freeing everything leaves cost <= limit
}

/** Decides one request against one bucket. The returned state is the new state only when allowed. */
export function checkWindow(state: WindowState, request: WindowRequest, now: number): { decision: WindowDecision; state: WindowState } {
  const { limit, durationMs, cost } = request;
  const start = firstLive(state, durationMs, now);
  const used = usedFrom(state, start);
  if (used + cost > limit) {
    const decision = { allowed: false, remaining: Math.max(0, limit - used), resetMs: windowResetMs(state, durationMs, now), retryAfterMs: retryAfter(state, start, used, request, now) };
    return { decision, state };
  }
  // A report (cost 0) leaves the state exactly as it was, expired entries included, as Redis does.
  if (cost === 0) return { decision: { allowed: true, remaining: limit - used, resetMs: windowResetMs(state, durationMs, now), retryAfterMs: null }, state };
  const next = state.slice(start);
  const tail = next[next.length - 1];
  if (tail && now - tail.first < slotMs(durationMs)) {
    // max(): a clock that steps back must never shorten how long an admission is counted.
    next[next.length - 1] = { at: Math.max(tail.at, now), first: tail.first, cost: tail.cost + cost };
  } else {
    // Here now >= tail.first + slot > tail.at, so the queue stays ordered by `at`.
    next.push({ at: now, first: now, cost });
  }
  return { decision: { allowed: true, remaining: limit - used - cost, resetMs: windowResetMs(next, durationMs, now), retryAfterMs: null }, state: next };
}

/**
 * A window that only its holder changes (the memory limiter's buckets): the entries flat in one array of
 * numbers, `at, first, cost` per entry, oldest first, with the cost of all of them kept alongside. A
 * decision then reads the expired entries at the head and the tail, not every entry (a busy bucket holds
 * ~64), and no object per entry: on a large limiter each object read is a likely CPU cache miss, and a
 * time held in an object's field is one more (V8 boxes a double field), while an array of numbers holds
 * them unboxed, side by side.
 */
export interface MutableWindow {
  log: number[];
  /** The sum of the entries' costs, expired entries included. */
  cost: number;
}

/** A mutable window with a state's entries (the state itself is left as it was). */
export function mutableWindow(state: WindowState): MutableWindow {
  const log: number[] = [];
  let cost = 0;
  for (const entry of state) {
    log.push(entry.at, entry.first, entry.cost);
    cost += entry.cost;
  }
  return { log, cost };
}

/** The window's entries as a state (what `checkWindow` takes), for the general path and for tests. */
export function windowEntries(window: MutableWindow): WindowEntry[] {
  const entries: WindowEntry[] = [];
  for (let index = 0; index < window.log.length; index += 3) entries.push({ at: window.log[index]!, first: window.log[index + 1]!, cost: window.log[index + 2]! });
  return entries;
}

/** The cost of the expired entries at the head: the live cost is `window.cost` minus this. */
function expiredLogCost(log: readonly number[], durationMs: number, now: number): number {
  let expired = 0;
  for (let index = 0; index < log.length && log[index]! + durationMs <= now; index += 3) expired += log[index + 2]!;
  return expired;
}

/** Whether `checkWindow` would admit the request, without deciding anything else. */
export function windowAdmits(window: MutableWindow, request: WindowRequest, now: number): boolean {
  return window.cost - expiredLogCost(window.log, request.durationMs, now) + request.cost <= request.limit;
}

/** `windowResetMs` of a mutable window. */
export function windowLogResetMs(window: MutableWindow, durationMs: number, now: number): number {
  const { log } = window;
  return log.length === 0 ? 0 : Math.max(0, log[log.length - 3]! + durationMs - now);
}

/**
 * `checkWindow` on a window that only its caller holds: an admitted request changes it in place instead of
 * copying it, a refused one changes nothing. The entries after a call and the `remaining` returned are
 * exactly `checkWindow`'s (a property test holds the two equal); returns -1 when refused, so the caller
 * asks `checkWindow` for the refusal's details.
 */
export function admitInPlace(window: MutableWindow, request: WindowRequest, now: number): number {
  const { limit, durationMs, cost } = request;
  const { log } = window;
  let start = 0;
  let expired = 0;
  while (start < log.length && log[start]! + durationMs <= now) {
    expired += log[start + 2]!;
    start += 3;
  }
  const used = window.cost - expired;
  if (used + cost > limit) return -1;
  if (cost === 0) return limit - used;
  if (start > 0) log.splice(0, start);
  const tail = log.length - 3;
  if (tail >= 0 && now - log[tail + 1]! < slotMs(durationMs)) {
    // As in checkWindow: merged into the tail, counted until its latest admission expires.
    if (now > log[tail]!) log[tail] = now;
    log[tail + 2] = log[tail + 2]! + cost;
  } else {
    log.push(now, now, cost);
  }
  window.cost = used + cost;
  return limit - used - cost;
}
