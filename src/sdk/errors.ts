// The SDK's errors. None of them ever carries the root key or a verified key: only what Keyward said
// (status, stable code, detail, request id) or why it could not be reached.

/** Keyward answered with an error status. `code` is Keyward's stable code (docs/errors.md). */
export class KeywardApiError extends Error {
  override readonly name = "KeywardApiError";
  readonly status: number;
  /** The problem's `code`; `HTTP_<status>` when the body was not a Keyward problem (e.g. a proxy's 502). */
  readonly code: string;
  readonly detail: string | null;
  readonly requestId: string | null;
  /** Field errors of a VALIDATION_FAILED problem. */
  readonly errors: readonly { pointer: string; message: string }[];

  constructor(status: number, body: unknown) {
    const problem = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
    const code = typeof problem.code === "string" ? problem.code : `HTTP_${status}`;
    const detail = typeof problem.detail === "string" ? problem.detail : typeof problem.title === "string" ? problem.title : null;
    const requestId = typeof problem.requestId === "string" ? problem.requestId : null;
    super(`Keyward answered ${status} ${code}${detail ? `: ${detail}` : ""}${requestId ? ` (request ${requestId})` : ""}`);
    this.status = status;
    this.code = code;
    this.detail = detail;
    this.requestId = requestId;
    this.errors = Array.isArray(problem.errors) ? (problem.errors as { pointer: string; message: string }[]) : [];
  }
}

/** Keyward could not be reached (connection refused, reset, DNS) or did not answer in time. */
export class KeywardConnectionError extends Error {
  override readonly name = "KeywardConnectionError";
  constructor(
    message: string,
    /** True when the last attempt ran out of time rather than failing to connect. */
    readonly timedOut: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
