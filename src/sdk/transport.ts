// The fetch under the typed client: adds the root key, bounds each attempt by a timeout, and retries
// what is safe to retry (5xx, network errors, timeouts) with exponential backoff and full jitter.
import { KeywardConnectionError } from "./errors.js";

export type Fetch = (input: Request) => Promise<Response>;

export interface TransportOptions {
  rootKey: string;
  timeoutMs: number;
  retries: number;
  /** First backoff ceiling; doubles per attempt up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  fetch?: (input: Request) => Promise<Response>;
}

/** Retrying these cannot do a thing twice: reads, PUT/DELETE by definition, and POSTs that are idempotent. */
const IDEMPOTENT_METHODS = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);
// verify is a question; revoking twice keeps the first revocation (same answer). Creating a key twice
// makes two keys, and PATCH may add credits, so neither is here.
const SAFE_POSTS = [/\/v1\/keys\/verify$/, /\/v1\/keys\/[^/]+\/revoke$/, /\/v1\/root-keys\/[^/]+\/revoke$/];

export function isRetryable(method: string, url: string): boolean {
  if (IDEMPOTENT_METHODS.has(method)) return true;
  const path = new URL(url).pathname;
  return method === "POST" && SAFE_POSTS.some((pattern) => pattern.test(path));
}

/** 5xx other than 501 (Not Implemented will not change by asking again). */
function isTransientStatus(status: number): boolean {
  return status >= 500 && status !== 501;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `retry`: "safe" retries only what isRetryable allows; "always" is the caller's explicit opt-in
 * (e.g. a create it can afford to repeat); "never" sends once.
 */
export function createTransport(options: TransportOptions, retry: "safe" | "always" | "never" = "safe"): Fetch {
  const send = options.fetch ?? ((request: Request) => fetch(request));
  const baseDelayMs = options.baseDelayMs ?? 100;
  const maxDelayMs = options.maxDelayMs ?? 2_000;
  const authorization = `Bearer ${options.rootKey}`;

  return async (request) => {
    const mayRetry = retry === "always" || (retry === "safe" && isRetryable(request.method, request.url));
    const attempts = mayRetry ? 1 + Math.max(0, options.retries) : 1;
    // Read once so every attempt can send it again (a Request body is a one-shot stream).
    const body = request.body ? await request.arrayBuffer() : undefined;
    const headers = new Headers(request.headers);
    headers.set("authorization", authorization);

    for (let attempt = 1; ; attempt++) {
      if (request.signal.aborted) throw request.signal.reason;
      const timeout = new AbortController();
      const onCallerAbort = () => timeout.abort(request.signal.reason);
      request.signal.addEventListener("abort", onCallerAbort, { once: true });
      const timer = setTimeout(() => timeout.abort(new KeywardConnectionError(`Keyward did not answer within ${options.timeoutMs} ms`, true)), options.timeoutMs);
      try {
        // redirect "error": Keyward never redirects, and the root key must not follow one anywhere.
        const attemptRequest = new Request(request.url, { method: request.method, headers, body: body ?? null, signal: timeout.signal, redirect: "error" });
        const response = await send(attemptRequest);
        if (attempt >= attempts || !isTransientStatus(response.status)) return response;
        // Drained so the connection goes back to the pool before the next attempt.
        await response.arrayBuffer().catch(() => undefined);
      } catch (error) {
        if (request.signal.aborted) throw request.signal.reason;
        if (attempt >= attempts) throw connectionError(error, timeout.signal, request.url);
      } finally {
        clearTimeout(timer);
        request.signal.removeEventListener("abort", onCallerAbort);
      }
      // Full jitter: clients that failed together do not all come back together.
      await sleep(Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)));
    }
  };
}

function connectionError(error: unknown, timeout: AbortSignal, url: string): KeywardConnectionError {
  if (error instanceof KeywardConnectionError) return error;
  if (timeout.reason instanceof KeywardConnectionError) return timeout.reason;
  return new KeywardConnectionError(`Keyward at ${new URL(url).origin} could not be reached (${describe(error)})`, false, { cause: error });
}

/** The low-level reason (ECONNREFUSED, ENOTFOUND, …): never a header, so never a key. */
function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } })?.cause;
  if (typeof cause?.code === "string") return cause.code;
  if (error instanceof Error && error.name === "AbortError") return "aborted";
  return error instanceof Error ? error.message : "unknown error";
}
