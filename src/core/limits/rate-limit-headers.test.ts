import { parseList } from "structured-headers";
import { describe, expect, it } from "vitest";
import { formatRateLimit, formatRateLimitPolicy, rateLimitHeaders, retryAfterSeconds, type RateLimitHeaderInput } from "./rate-limit-headers.js";

const ok = { allowed: true, retryAfterMs: null } as const;

// The examples are draft-ietf-httpapi-ratelimit-headers-10's own (§3, §3.2, §4, §4.2, appendix B).
describe("RateLimit-Policy", () => {
  it("matches the draft's examples", () => {
    expect(
      formatRateLimitPolicy([
        { name: "burst", limit: 100, durationMs: 60_000 },
        { name: "daily", limit: 1_000, durationMs: 86_400_000 },
      ]),
    ).toBe('"burst";q=100;w=60, "daily";q=1000;w=86400');
    expect(formatRateLimitPolicy([{ name: "default", limit: 100, durationMs: 10_000 }])).toBe('"default";q=100;w=10');
    expect(formatRateLimitPolicy([{ name: "peruser", limit: 65_535, durationMs: 10_000, quotaUnit: "content-bytes" }])).toBe('"peruser";q=65535;qu="content-bytes";w=10');
  });

  it("parses back to the same policies, with the name as a String", () => {
    const value = formatRateLimitPolicy([
      { name: "permin", limit: 50, durationMs: 60_000 },
      { name: "perhr", limit: 1_000, durationMs: 3_600_000 },
    ]);
    // The draft writes this example without the space after the comma; both are the same List.
    expect(parseList(value)).toEqual(parseList('"permin";q=50;w=60,"perhr";q=1000;w=3600'));
    const [first] = parseList(value);
    expect(first).toEqual(["permin", new Map<string, number>([["q", 50], ["w", 60]])]);
  });

  it("announces a sub-second window as one second, since the draft has no finer unit", () => {
    expect(formatRateLimitPolicy([{ name: "tiny", limit: 3, durationMs: 250 }])).toBe('"tiny";q=3;w=1');
    expect(formatRateLimitPolicy([{ name: "odd", limit: 3, durationMs: 1_500 }])).toBe('"odd";q=3;w=2');
  });

  it("never throws on a name outside printable ASCII", () => {
    const value = formatRateLimitPolicy([{ name: "débit\n", limit: 1, durationMs: 1_000 }]);
    expect(parseList(value)[0]![0]).toBe("d?bit?");
  });
});

describe("RateLimit", () => {
  it("matches the draft's examples", () => {
    expect(formatRateLimit([{ name: "default", remaining: 50, resetMs: 30_000, ...ok }])).toBe('"default";r=50;t=30');
    expect(formatRateLimit([{ name: "dayLimit", remaining: 100, resetMs: 36_000_000, ...ok }])).toBe('"dayLimit";r=100;t=36000');
    expect(parseList(formatRateLimit([{ name: "basic", remaining: 60, resetMs: 58_000, ...ok }]))).toEqual(parseList('"basic";r=60;t=58'));
  });

  it("rounds the reset up, so a client never comes back early", () => {
    expect(formatRateLimit([{ name: "burst", remaining: 0, resetMs: 1, ...ok }])).toBe('"burst";r=0;t=1');
    expect(formatRateLimit([{ name: "burst", remaining: 3, resetMs: 0, ...ok }])).toBe('"burst";r=3;t=0');
  });

  it("gives a refused limit the time until it could pass, so Retry-After never precedes t", () => {
    const refused = { name: "burst", remaining: 0, resetMs: 9_500, allowed: false, retryAfterMs: 2_100 };
    expect(formatRateLimit([refused])).toBe('"burst";r=0;t=3');
    expect(retryAfterSeconds([refused])).toBe(3);
  });
});

describe("rateLimitHeaders", () => {
  const burst: RateLimitHeaderInput = { name: "burst", limit: 100, durationMs: 60_000, remaining: 99, resetMs: 60_000, ...ok };

  it("sends the policy and the state, and no Retry-After, when allowed", () => {
    expect(rateLimitHeaders([burst])).toEqual({ "RateLimit-Policy": '"burst";q=100;w=60', RateLimit: '"burst";r=99;t=60' });
  });

  it("adds Retry-After in whole seconds, rounded up, for the longest refused wait", () => {
    const daily: RateLimitHeaderInput = { name: "daily", limit: 1_000, durationMs: 86_400_000, remaining: 0, resetMs: 3_600_000, allowed: false, retryAfterMs: 1_200_001 };
    const hourly: RateLimitHeaderInput = { name: "hourly", limit: 10, durationMs: 3_600_000, remaining: 0, resetMs: 50_000, allowed: false, retryAfterMs: 400 };
    const headers = rateLimitHeaders([{ ...burst, remaining: 100 }, daily, hourly]);
    expect(headers["Retry-After"]).toBe("1201");
    expect(headers.RateLimit).toBe('"burst";r=100;t=60, "daily";r=0;t=1201, "hourly";r=0;t=1');
    expect(parseList(headers["RateLimit-Policy"]!)).toHaveLength(3);
  });

  it("leaves Retry-After out when the request can never pass", () => {
    const tooBig: RateLimitHeaderInput = { ...burst, remaining: 100, allowed: false, retryAfterMs: null };
    expect(rateLimitHeaders([tooBig])["Retry-After"]).toBeUndefined();
  });

  it("sends nothing when no limit applied", () => {
    expect(rateLimitHeaders([])).toEqual({});
  });
});
