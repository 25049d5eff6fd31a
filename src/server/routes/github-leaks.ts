// POST /v1/leaks/github: GitHub's secret scanning partner program calls this with the Keyward keys it
// found in public repositories. No root key: the report is trusted because GitHub signed its exact
// bytes (ECDSA P-256), so the body is read raw — a route-scoped parser, in this plugin only — and
// verified before it is parsed, validated or looked at. Answers with GitHub's optional feedback.
import { hashKey, leakLabel } from "../../core/index.js";
import { KeywardError } from "../../errors/index.js";
import { verifyGithubSignature, type GithubPublicKeys } from "../../leaks/index.js";
import { reportLeak, type LeakResult, type ServiceContext } from "../../services/index.js";
import { MAX_AUDIT_USER_AGENT } from "../audit-context.js";
import { problems } from "../schemas/common.js";
import { GithubLeakFeedback, GithubLeakReport } from "../schemas/leaks.js";
import type { App } from "../route-kit.js";
import { logContained } from "./leaks.js";

export const GITHUB_LEAK_ROUTE = "/v1/leaks/github";
/** GitHub sends small batches; a body larger than this is not one of its reports. */
export const GITHUB_REPORT_BODY_LIMIT = 1024 * 1024;

export interface GithubLeakRouteOptions {
  ctx: ServiceContext;
  /** KEYWARD_GITHUB_SCANNING_KEYS, loaded at start; null: the endpoint refuses every report. */
  keys: GithubPublicKeys | null;
}

export async function githubLeakRoutes(app: App, { ctx, keys }: GithubLeakRouteOptions) {
  // Any content type arrives as the exact bytes GitHub signed: nothing is parsed before the signature holds.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: GITHUB_REPORT_BODY_LIMIT }, (_request, body, done) => done(null, body));

  app.post(
    GITHUB_LEAK_ROUTE,
    {
      bodyLimit: GITHUB_REPORT_BODY_LIMIT,
      preValidation: async (request) => {
        if (!keys) {
          ctx.metrics.leakReportsRefused.inc({ reason: "not_configured" });
          throw new KeywardError("LEAK_REPORTING_NOT_CONFIGURED", "Set KEYWARD_GITHUB_SCANNING_KEYS to GitHub's secret scanning public keys to accept reports.");
        }
        const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const check = verifyGithubSignature(keys, raw, request.headers);
        if (!check.ok) {
          ctx.metrics.leakReportsRefused.inc({ reason: check.reason });
          throw new KeywardError("LEAK_SIGNATURE_INVALID", "The report must carry Github-Public-Key-Identifier and Github-Public-Key-Signature signing its exact body.");
        }
        try {
          request.body = JSON.parse(raw.toString("utf8"));
        } catch {
          throw new KeywardError("INVALID_JSON", "The request body is not valid JSON.");
        }
      },
      schema: {
        tags: ["leaks"],
        summary: "GitHub secret scanning partner program: report leaked Keyward keys (signed by GitHub; no root key)",
        security: [],
        body: GithubLeakReport,
        response: { 200: GithubLeakFeedback, ...problems(400, 401, 413, 503) },
      },
    },
    async (request) => {
      const userAgent = request.headers["user-agent"];
      const audited = { requestId: request.id, sourceIp: request.ip || null, userAgent: typeof userAgent === "string" && userAgent !== "" ? userAgent.slice(0, MAX_AUDIT_USER_AGENT) : null };
      const results: LeakResult[] = [];
      const feedback = [];
      for (const { token, type, url, source } of request.body) {
        const details = { source: "github" as const, url, tokenType: type, githubSource: source ? source.toLowerCase() : null };
        const result = await reportLeak(ctx, { channel: "github", request: audited }, token, details);
        results.push(result);
        feedback.push({ token_hash: hashKey(token), token_type: type, label: leakLabel(result.outcome) });
      }
      logContained(request.log, "github", results);
      return feedback;
    },
  );
}
