import { describe, expect, it } from "vitest";
import { httpAnswer } from "./http-answer.js";
import { VERIFICATION_CODES } from "./verify-decision.js";

describe("the HTTP answer to an API's client", () => {
  it("asks for a key with 401 and a Bearer challenge when none was sent (RFC 6750 §3)", () => {
    const answer = httpAnswer("MISSING", { realm: "acme" });
    expect(answer.status).toBe(401);
    expect(answer.headers["WWW-Authenticate"]).toBe('Bearer realm="acme"');
    expect(answer.problem).toMatchObject({ status: 401, code: "MISSING", type: "urn:keyward:problem:missing" });
  });

  it("answers 401 invalid_token for a key that cannot be used at all", () => {
    for (const code of ["MALFORMED", "NOT_FOUND", "REVOKED", "DISABLED", "EXPIRED"] as const) {
      const answer = httpAnswer(code);
      expect(answer.status, code).toBe(401);
      expect(answer.headers["WWW-Authenticate"]).toBe('Bearer realm="api", error="invalid_token"');
      expect(answer.problem?.code).toBe(code);
    }
  });

  it("answers 403 for a key used from the wrong place, insufficient_scope for missing permissions", () => {
    expect(httpAnswer("IP_NOT_ALLOWED").status).toBe(403);
    expect(httpAnswer("REFERRER_NOT_ALLOWED").headers["WWW-Authenticate"]).toBeUndefined();
    const scope = httpAnswer("INSUFFICIENT_PERMISSIONS");
    expect(scope.status).toBe(403);
    expect(scope.headers["WWW-Authenticate"]).toBe('Bearer realm="api", error="insufficient_scope"');
  });

  it("answers 429 with Retry-After and the RateLimit fields when a limit is exhausted", () => {
    const answer = httpAnswer("RATE_LIMITED", {
      ratelimits: [{ name: "burst", limit: 100, durationMs: 60_000, remaining: 0, resetMs: 30_500, allowed: false, retryAfterMs: 1_200 }],
    });
    expect(answer.status).toBe(429);
    expect(answer.headers).toEqual({ "RateLimit-Policy": '"burst";q=100;w=60', RateLimit: '"burst";r=0;t=2', "Retry-After": "2" });
    expect(httpAnswer("USAGE_EXCEEDED").status).toBe(429);
  });

  it("lets a valid request through with informational RateLimit fields and no body", () => {
    const answer = httpAnswer("VALID", { ratelimits: [{ name: "burst", limit: 10, durationMs: 1_000, remaining: 9, resetMs: 1_000, allowed: true, retryAfterMs: null }] });
    expect(answer).toEqual({ status: 200, headers: { "RateLimit-Policy": '"burst";q=10;w=1', RateLimit: '"burst";r=9;t=1' }, problem: null });
  });

  it("maps every verification code, and never quotes a realm unsafely", () => {
    for (const code of VERIFICATION_CODES) expect([200, 401, 403, 429]).toContain(httpAnswer(code).status);
    expect(httpAnswer("MISSING", { realm: 'a"b\\c' }).headers["WWW-Authenticate"]).toBe('Bearer realm="a\\"b\\\\c"');
  });
});
