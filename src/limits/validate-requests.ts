// Shared input check for every limiter adapter: a malformed limit is a caller's bug, refused loudly
// before any state is read, so that the memory and Redis adapters fail the same way.
import { windowRequestProblem } from "../core/limits/index.js";
import type { LimitRequest } from "./port.js";

export function assertLimitRequests(requests: readonly LimitRequest[]): void {
  for (const request of requests) assertLimitRequest(request);
}

export function assertLimitRequest(request: LimitRequest): void {
  const problem = windowRequestProblem(request);
  if (problem) throw new RangeError(`rate limit ${JSON.stringify(request.name)}: ${problem}`);
  if (typeof request.bucket !== "string" || request.bucket.length === 0) throw new RangeError(`rate limit ${JSON.stringify(request.name)}: bucket must be a non-empty string`);
}
