// Helpers of the HTTP cases: a sanity check through the real socket, filling a server's cache, and
// merging the interleaved wrk slices of one server into one result.
import type { WrkResult } from "./wrk.js";

export const VERIFY_PATH = "/v1/keys/verify";

/** One verify through the real socket: the answer a load test does not look at. */
export async function checkVerify(url: string, headers: Record<string, string>, key: string, isValid: (json: any) => boolean): Promise<void> {
  const response = await fetch(`${url}${VERIFY_PATH}`, { method: "POST", headers, body: JSON.stringify({ key }) });
  const json = await response.json().catch(() => null);
  if (response.status !== 200 || !isValid(json)) throw new Error(`${url}${VERIFY_PATH} answered ${response.status} ${JSON.stringify(json)?.slice(0, 300)}`);
}

/** Verifies every key once (fills a cache), `concurrency` requests at a time. */
export async function verifyAll(url: string, headers: Record<string, string>, keys: readonly string[], concurrency = 16): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < keys.length) {
      const key = keys[next++]!;
      const response = await fetch(`${url}${VERIFY_PATH}`, { method: "POST", headers, body: JSON.stringify({ key }) });
      if (response.status !== 200) throw new Error(`warm-up verify answered ${response.status}`);
      await response.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * One server's slices as one result: req/s over the total time, latency percentiles as the median of the
 * slices' (wrk reports percentiles per run; the median keeps one disturbed slice from deciding).
 */
export function mergeSlices(slices: readonly WrkResult[], secondsPerSlice: number): WrkResult & { slices: number } {
  const requests = slices.reduce((sum, slice) => sum + slice.requests, 0);
  return {
    requestsPerSecond: requests / (secondsPerSlice * slices.length),
    requests,
    p50: median(slices.map((slice) => slice.p50)),
    p75: median(slices.map((slice) => slice.p75)),
    p90: median(slices.map((slice) => slice.p90)),
    p99: median(slices.map((slice) => slice.p99)),
    errors: slices.reduce((sum, slice) => sum + slice.errors, 0),
    non2xx: slices.reduce((sum, slice) => sum + slice.non2xx, 0),
    raw: slices.map((slice) => slice.raw).join("\n"),
    slices: slices.length,
  };
}
