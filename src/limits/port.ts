// The limiter port: checks several named limits at once, all-or-nothing. Adapters: memory (one node)
// and Redis (a cluster shares the state); one contract suite runs against both (test/limits/).
export interface LimitRequest {
  /** Bucket identity, e.g. `k:<keyId>:<name>`, `i:<identityId>:<name>`, `ns:<ws>:<namespace>:<identifier>`. */
  bucket: string;
  /** Name shown to callers (`burst`, `daily`). */
  name: string;
  limit: number;
  durationMs: number;
  /** Cost of this request (default 1). May be 0: then nothing is consumed, the state is reported. */
  cost: number;
}

export interface LimitResult {
  name: string;
  limit: number;
  /** What is left in the window after this request (after consumption when allowed). */
  remaining: number;
  /** Milliseconds until the full limit is available again. */
  resetMs: number;
  /** When refused: milliseconds until a request of this cost could pass. */
  retryAfterMs: number | null;
  allowed: boolean;
}

export interface LimitOutcome {
  /** True only when every request is allowed; then each consumed its cost. Otherwise none did. */
  allowed: boolean;
  results: LimitResult[];
}

export interface LimiterCapabilities {
  /** State is shared by every node using the same backend. */
  shared: boolean;
}

export interface Limiter {
  readonly capabilities: LimiterCapabilities;
  /** `now` in ms since the epoch; a shared backend may use its own clock instead. */
  check(requests: LimitRequest[], now: number): Promise<LimitOutcome>;
  close(): Promise<void>;
}

/** What a limiter reports for `/readyz` detail and metrics. Never carries a secret (no URL, no password). */
export interface LimiterStatus {
  backend: "memory" | "redis";
  /** Decisions are shared with every other node right now. */
  shared: boolean;
  /** The shared backend is unreachable and this node decides limits locally. */
  degraded: boolean;
  /** When the degraded state began, in ms since the epoch; null when not degraded. */
  degradedSince: number | null;
  /** The backend's last error while degraded. */
  lastError: string | null;
}
