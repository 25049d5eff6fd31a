import { describe, expect, it } from "vitest";
import { isRetryable } from "./transport.js";

describe("isRetryable", () => {
  it("retries idempotent methods, verify and revokes; never a create or a PATCH", () => {
    const url = (path: string) => `http://k.example${path}`;
    expect(isRetryable("GET", url("/v1/keys"))).toBe(true);
    expect(isRetryable("DELETE", url("/v1/apis/api_1"))).toBe(true);
    expect(isRetryable("PUT", url("/v1/ratelimit/overrides"))).toBe(true);
    expect(isRetryable("POST", url("/v1/keys/verify"))).toBe(true);
    expect(isRetryable("POST", url("/v1/keys/key_1/revoke"))).toBe(true);
    expect(isRetryable("POST", url("/v1/root-keys/rk_1/revoke"))).toBe(true);
    expect(isRetryable("POST", url("/v1/keys"))).toBe(false);
    expect(isRetryable("POST", url("/v1/ratelimit"))).toBe(false);
    expect(isRetryable("PATCH", url("/v1/keys/key_1"))).toBe(false);
  });
});
