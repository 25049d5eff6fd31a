// Schemas of rate limits and credits, on keys, identities, verify and /v1/ratelimit.
import { Type } from "@sinclair/typebox";
import { NullableDateTime } from "./common.js";

const MAX_DURATION_MS = 366 * 86_400_000;
const MAX_AMOUNT = Number.MAX_SAFE_INTEGER;

export const LimitName = Type.String({ pattern: "^[A-Za-z0-9_.:-]{1,64}$", description: "e.g. burst, daily" });
const Limit = Type.Integer({ minimum: 1, maximum: 1_000_000_000 });
const DurationMs = Type.Integer({ minimum: 100, maximum: MAX_DURATION_MS, description: "Window length in milliseconds" });
const Cost = Type.Integer({ minimum: 0, maximum: 1_000_000_000, description: "Default 1; 0 checks without consuming" });
const Amount = Type.Integer({ minimum: 0, maximum: MAX_AMOUNT });

export const RateLimitConfig = Type.Object(
  {
    name: LimitName,
    limit: Limit,
    durationMs: DurationMs,
    autoApply: Type.Optional(Type.Boolean({ description: "Apply on every verification (default false: only when named)" })),
  },
  { additionalProperties: false },
);
export const RateLimitList = Type.Array(RateLimitConfig, { maxItems: 32 });

export const CreditRefill = Type.Object(
  {
    amount: Amount,
    interval: Type.Union([Type.Literal("daily"), Type.Literal("monthly"), Type.Integer({ minimum: 60_000, maximum: MAX_DURATION_MS })], {
      description: "daily / monthly (00:00 UTC), or an interval in ms",
    }),
    day: Type.Optional(Type.Integer({ minimum: 1, maximum: 31, description: "Day of the month for a monthly refill" })),
  },
  { additionalProperties: false },
);
const LowThreshold = Type.Union([Amount, Type.Null()], { description: "credits.low is recorded once when remaining falls to this" });

export const CreditsInput = Type.Object(
  { remaining: Amount, refill: Type.Optional(Type.Union([CreditRefill, Type.Null()])), lowThreshold: Type.Optional(LowThreshold) },
  { additionalProperties: false },
);

export const CreditsPatch = Type.Union(
  [
    Type.Object(
      {
        remaining: Type.Optional(Amount),
        add: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_AMOUNT })),
        subtract: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_AMOUNT })),
        refill: Type.Optional(Type.Union([CreditRefill, Type.Null()])),
        lowThreshold: Type.Optional(LowThreshold),
      },
      // One of set / add / subtract at a time.
      { additionalProperties: false, minProperties: 1, not: { anyOf: [{ required: ["remaining", "add"] }, { required: ["remaining", "subtract"] }, { required: ["add", "subtract"] }] } },
    ),
    Type.Null(),
  ],
  { description: "null removes credits (unlimited); remaining sets; add / subtract adjust" },
);

export const CreditsView = Type.Union([
  Type.Object({
    remaining: Type.Integer(),
    refill: Type.Union([CreditRefill, Type.Null()]),
    refilledAt: NullableDateTime,
    lowThreshold: Type.Union([Type.Integer(), Type.Null()]),
  }),
  Type.Null(),
]);

export const RequestedLimits = Type.Array(
  Type.Object(
    { name: LimitName, cost: Type.Optional(Cost), limit: Type.Optional(Limit), durationMs: Type.Optional(DurationMs) },
    { additionalProperties: false, dependentRequired: { limit: ["durationMs"], durationMs: ["limit"] } },
  ),
  { maxItems: 32, description: "Limits to apply besides the auto-applied ones; limit+durationMs apply an ad hoc limit" },
);

// durationMs, allowed and retryAfterMs let a remote answerer (SDK middleware, a gateway in remote
// mode) build the same RateLimit-Policy / RateLimit / Retry-After headers as an in-process one.
export const LimitState = Type.Object({
  name: Type.String(),
  limit: Type.Integer(),
  remaining: Type.Integer(),
  reset: Type.Integer({ description: "Epoch milliseconds when the full limit is available again" }),
  durationMs: Type.Integer({ description: "The window the limit counts in, in milliseconds" }),
  allowed: Type.Boolean({ description: "False for a limit that refused this call" }),
  retryAfterMs: Type.Union([Type.Integer(), Type.Null()], { description: "When refused: milliseconds until a call of this cost could pass; null otherwise, or when it never can" }),
});

export const RateLimitBody = Type.Object(
  {
    namespace: Type.String({ pattern: "^[A-Za-z0-9_.:-]{1,64}$" }),
    identifier: Type.String({ minLength: 1, maxLength: 255 }),
    limit: Limit,
    durationMs: DurationMs,
    cost: Type.Optional(Cost),
  },
  { additionalProperties: false },
);

export const RateLimitAnswer = Type.Object({
  success: Type.Boolean(),
  limit: Type.Integer(),
  remaining: Type.Integer(),
  reset: Type.Integer({ description: "Epoch milliseconds" }),
  retryAfterMs: Type.Union([Type.Integer(), Type.Null()]),
  overridden: Type.Boolean({ description: "A per-identifier override set the limit" }),
});

export const OverrideBody = Type.Object(
  { namespace: RateLimitBody.properties.namespace, identifier: RateLimitBody.properties.identifier, limit: Limit, durationMs: DurationMs },
  { additionalProperties: false },
);
export const OverrideRef = Type.Object(
  { namespace: RateLimitBody.properties.namespace, identifier: RateLimitBody.properties.identifier },
  { additionalProperties: false },
);
export const Override = Type.Object({
  namespace: Type.String(),
  identifier: Type.String(),
  limit: Type.Integer(),
  durationMs: Type.Integer(),
  createdAt: Type.String({ format: "date-time" }),
  updatedAt: Type.String({ format: "date-time" }),
});
