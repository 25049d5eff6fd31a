// POST /v1/leaks: a leak report in Keyward's own format (`keyward scan --report`, or any tool), by a
// root key holding `leaks:report`. Only keys of the root key's workspace are acted on.
import { reportLeak, type LeakResult } from "../../services/index.js";
import { changeActorOf } from "../audit-context.js";
import { AUTHED_PROBLEMS, problems } from "../schemas/common.js";
import { LeakReportBody, LeakReportResult } from "../schemas/leaks.js";
import { guard, managed, type App, type RouteOptions } from "../route-kit.js";

export const LEAK_REPORT_ROUTE = "/v1/leaks";

export async function leakRoutes(app: App, { ctx }: RouteOptions) {
  app.post(
    LEAK_REPORT_ROUTE,
    {
      preValidation: guard(ctx, "leaks:report"),
      schema: {
        ...managed("leaks", "Report leaked keys: live keys of this workspace are revoked (or disabled, by policy) at once"),
        body: LeakReportBody,
        response: { 200: LeakReportResult, ...problems(...AUTHED_PROBLEMS) },
      },
    },
    async (request) => {
      const actor = changeActorOf(request);
      const results: LeakResult[] = [];
      // One after the other: a key named twice is contained once, and each key is refused on every node
      // as soon as its own change commits.
      for (const { key, source } of request.body.findings) {
        const details = { source: "report" as const, url: source?.url ?? null, path: source?.path ?? null, line: source?.line ?? null, commit: source?.commit ?? null };
        results.push(await reportLeak(ctx, { channel: "report", actor }, key, details));
      }
      logContained(request.log, "report", results);
      return { results };
    },
  );
}

/** One line per report that changed something: key ids and outcomes, never a token. */
export function logContained(log: { warn(object: object, message: string): void }, channel: string, results: readonly LeakResult[]): void {
  const contained = results.filter((result) => result.outcome === "revoked" || result.outcome === "disabled" || result.outcome === "grace_ended");
  if (contained.length > 0) log.warn({ channel, keys: contained.map(({ keyId, outcome }) => ({ keyId, outcome })) }, "leaked keys contained");
}
