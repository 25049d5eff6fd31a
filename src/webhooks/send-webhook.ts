// One HTTP attempt of a webhook: POST the signed payload, no redirects followed, a hard time limit,
// connections only to checked addresses. Reports what happened; never throws for a receiver's fault.
import { Agent, request } from "undici";
import { checkWebhookUrl } from "../core/index.js";
import { guardedLookup, type TargetRules } from "./resolve-target.js";

export interface SendOutcome {
  /** Null when no response came. */
  status: number | null;
  retryAfter: string | null;
  /** What went wrong, for the deliveries listing (never a secret or a header value). */
  error: string | null;
  durationMs: number;
}

export interface WebhookSender {
  send(url: string, headers: Record<string, string>, body: string, signal: AbortSignal): Promise<SendOutcome>;
  close(): Promise<void>;
}

export function createWebhookSender(options: TargetRules & { timeoutMs: number }): WebhookSender {
  const agent = new Agent({
    connect: { lookup: guardedLookup(options), timeout: options.timeoutMs },
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  });
  return {
    async send(url, headers, body, stop) {
      const started = performance.now();
      const elapsed = () => Math.round(performance.now() - started);
      // IP literals never reach the lookup, so the address rules are applied to them here.
      const checked = checkWebhookUrl(url, options);
      if (!checked.ok) return { status: null, retryAfter: null, error: `forbidden target: ${checked.reason}`, durationMs: 0 };
      const timeout = AbortSignal.timeout(options.timeoutMs);
      try {
        const response = await request(checked.url, {
          method: "POST",
          headers,
          body,
          dispatcher: agent,
          signal: AbortSignal.any([stop, timeout]),
        });
        // The answer's body is not needed; reading a little lets the connection be reused.
        await response.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
        const retryAfter = response.headers["retry-after"];
        const status = response.statusCode;
        return {
          status,
          retryAfter: typeof retryAfter === "string" ? retryAfter : null,
          error: status >= 200 && status < 300 ? null : status >= 300 && status < 400 ? `HTTP ${status} (redirects are not followed)` : `HTTP ${status}`,
          durationMs: elapsed(),
        };
      } catch (error) {
        if (stop.aborted) throw error;
        return { status: null, retryAfter: null, error: describeFailure(error, timeout.aborted, options.timeoutMs), durationMs: elapsed() };
      }
    },
    close: () => agent.close(),
  };
}

function describeFailure(error: unknown, timedOut: boolean, timeoutMs: number): string {
  if (timedOut) return `timed out after ${timeoutMs} ms`;
  const seen = new Set<unknown>();
  // undici wraps the socket's error: the useful part is the innermost code.
  for (let current: unknown = error; current && !seen.has(current); current = (current as { cause?: unknown }).cause) {
    seen.add(current);
    const { code, reason } = current as { code?: unknown; reason?: unknown };
    if (code === "EWEBHOOKFORBIDDEN") return `forbidden target: ${String(reason)}`;
    if (typeof code === "string" && /^E[A-Z_]+$/.test(code) && !code.startsWith("ERR_")) return `connection failed (${code})`;
    if (code === "UND_ERR_CONNECT_TIMEOUT" || code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT") return `timed out after ${timeoutMs} ms`;
  }
  return "connection failed";
}
