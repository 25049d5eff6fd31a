// Rate limit lists on keys and identities: names unique within a list.
import type { RateLimitConfig } from "../core/index.js";
import { KeywardError } from "../errors/index.js";

export function checkRateLimits(limits: ReadonlyArray<{ name: string }> | undefined, pointer: string): void {
  const seen = new Set<string>();
  limits?.forEach((limit, index) => {
    if (seen.has(limit.name)) {
      throw new KeywardError("DUPLICATE_RATELIMIT", `The rate limit '${limit.name}' is named twice.`, [
        { pointer: `${pointer}/${index}/name`, message: "duplicate name" },
      ]);
    }
    seen.add(limit.name);
  });
}

export type RateLimitInput = Omit<RateLimitConfig, "autoApply"> & { autoApply?: boolean };

/** autoApply defaults to false: a limit applies only when a verification names it. */
export function withDefaults(limits: readonly RateLimitInput[] | undefined): RateLimitConfig[] | undefined {
  return limits?.map((limit) => ({ name: limit.name, limit: limit.limit, durationMs: limit.durationMs, autoApply: limit.autoApply ?? false }));
}
