// Schemas of the leak-report endpoints: Keyward's own format (POST /v1/leaks) and GitHub's secret
// scanning partner format (POST /v1/leaks/github).
import { Type } from "@sinclair/typebox";
import { LEAK_OUTCOMES, MAX_LEAK_FINDINGS, MAX_LEAKED_TOKEN_LENGTH } from "../../core/index.js";

const Url = Type.String({ minLength: 1, maxLength: 4096 });

export const LeakOutcome = Type.Union(
  LEAK_OUTCOMES.map((outcome) => Type.Literal(outcome)),
  { description: "revoked / disabled / grace_ended: this report did it; already_*: nothing was left to do; unknown: not a key (of your workspace)" },
);

export const LeakSource = Type.Object(
  {
    url: Type.Optional(Url),
    path: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
    line: Type.Optional(Type.Integer({ minimum: 1 })),
    commit: Type.Optional(Type.String({ pattern: "^[0-9a-fA-F]{4,64}$" })),
  },
  { additionalProperties: false, description: "Where the key was found; every field optional" },
);

export const LeakReportBody = Type.Object(
  {
    findings: Type.Array(
      Type.Object(
        { key: Type.String({ minLength: 1, maxLength: MAX_LEAKED_TOKEN_LENGTH, description: "The whole leaked key: hashed on arrival, never stored" }), source: Type.Optional(LeakSource) },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: MAX_LEAK_FINDINGS },
    ),
  },
  { additionalProperties: false },
);

export const LeakReportResult = Type.Object({
  results: Type.Array(
    Type.Object({
      outcome: LeakOutcome,
      keyId: Type.Union([Type.String(), Type.Null()], { description: "The key the finding is a secret of; null when unknown" }),
      start: Type.Union([Type.String(), Type.Null()], { description: "The display start of the reported secret; null when unknown" }),
    }),
    { description: "One per finding, in the order of the request" },
  ),
});

/** GitHub's report: extra fields GitHub may add later are ignored, not refused. */
export const GithubLeakReport = Type.Array(
  Type.Object({
    token: Type.String({ minLength: 1, maxLength: 4096 }),
    type: Type.String({ minLength: 1, maxLength: 256 }),
    url: Url,
    source: Type.Optional(Type.String({ maxLength: 64, description: "Where on GitHub (content, commit, pull_request_title, …); compared case-insensitively" })),
  }),
  { maxItems: MAX_LEAK_FINDINGS },
);

export const GithubLeakFeedback = Type.Array(
  Type.Object({
    token_hash: Type.String({ description: "SHA-256 hex of the token" }),
    token_type: Type.String(),
    label: Type.Union([Type.Literal("true_positive"), Type.Literal("false_positive")]),
  }),
);
