// Several limits of one request, all-or-nothing: every decision is made first, and the request
// consumes from its buckets only when every one of them allows it. A refused request changes nothing.
import { checkWindow, windowResetMs, windowUsage, type WindowDecision, type WindowRequest, type WindowState } from "./sliding-window.js";

export interface BucketRequest extends WindowRequest {
  bucket: string;
}

export interface BucketsOutcome {
  allowed: boolean;
  /** One per request, in order. */
  decisions: WindowDecision[];
  /** The new state of every bucket touched; empty when refused, since nothing may change then. */
  states: Map<string, WindowState>;
}

/**
 * A bucket named twice in one call is charged twice, in order: the second request sees the first's
 * consumption, so the pair cannot pass where their sum would not.
 */
export function checkBuckets(requests: readonly BucketRequest[], stateOf: (bucket: string) => WindowState, now: number): BucketsOutcome {
  const working = new Map<string, WindowState>();
  const decisions: WindowDecision[] = [];
  let allowed = true;
  for (const request of requests) {
    const result = checkWindow(working.get(request.bucket) ?? stateOf(request.bucket), request, now);
    decisions.push(result.decision);
    if (result.decision.allowed) working.set(request.bucket, result.state);
    else allowed = false;
  }
  if (allowed) return { allowed, decisions, states: working };
  // Nothing was consumed, so every limit reports its bucket as it stands, not after a cost that was
  // never taken (a bucket named twice would otherwise show the first request's share as gone).
  const reported = requests.map((request, index): WindowDecision => {
    const state = stateOf(request.bucket);
    const used = windowUsage(state, request.durationMs, now);
    const { allowed: passed, retryAfterMs } = decisions[index]!;
    return { allowed: passed, remaining: Math.max(0, request.limit - used), resetMs: windowResetMs(state, request.durationMs, now), retryAfterMs };
  });
  return { allowed, decisions: reported, states: new Map() };
}
