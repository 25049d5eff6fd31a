// The cluster limiter: every node runs the same Lua script against one Redis, so N nodes together
// admit exactly the limit. Fails fast when Redis is away; the fallback limiter decides what to do then.
//
// Redis Cluster: the keys of one call must hash to one slot. Bucket keys carry no hash tag of their own,
// so on a cluster give a prefix with one (e.g. `keyward:rl:{rl}:`); that puts every bucket on one shard.
import { Redis, type RedisOptions } from "ioredis";
import type { LimitOutcome, LimitRequest, LimitResult, Limiter, LimiterCapabilities } from "../port.js";
import { assertLimitRequests } from "../validate-requests.js";
import { SLIDING_WINDOW_LUA } from "./sliding-window-lua.js";

export interface RedisLimiterOptions {
  /** `redis://[user:password@]host:port[/db]`; ignored when `client` is given. */
  url?: string;
  /** A client to use instead of making one; then `close()` leaves it open. */
  client?: Redis;
  /** Prefix of every bucket key (default `keyward:rl:`): lets tests and installs share a server. */
  keyPrefix?: string;
  /** Extra ioredis options for a client made from `url` (the fail-fast defaults below apply first). */
  redisOptions?: RedisOptions;
}

export const DEFAULT_KEY_PREFIX = "keyward:rl:";
const COMMAND = "keywardSlidingWindow";
/** A bucket that probes only read (cost 0), so a probe never changes any limit. */
const PROBE_BUCKET = "__probe__";

/**
 * Commands must fail at once while disconnected (no offline queue, no retry of a sent command) so a
 * caller can answer from elsewhere, while the connection itself keeps coming back on its own.
 */
export const FAIL_FAST_OPTIONS: RedisOptions = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  connectTimeout: 2_000,
  commandTimeout: 1_000,
  retryStrategy: (attempt: number) => Math.min(50 * attempt, 1_000),
};

type ScriptRunner = (keyCount: number, ...args: (string | number)[]) => Promise<unknown>;

export class RedisLimiter implements Limiter {
  readonly capabilities: LimiterCapabilities = { shared: true };
  readonly client: Redis;
  private readonly ownsClient: boolean;
  private readonly keyPrefix: string;
  private readonly run: ScriptRunner;
  /** The last connection error ioredis reported; kept so an unhandled 'error' event never crashes. */
  lastConnectionError: Error | null = null;

  constructor(options: RedisLimiterOptions) {
    if (!options.client && !options.url) throw new TypeError("RedisLimiter needs a url or a client");
    this.ownsClient = !options.client;
    this.client = options.client ?? new Redis(options.url!, { ...FAIL_FAST_OPTIONS, ...options.redisOptions });
    this.keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    this.client.on("error", (error: Error) => {
      this.lastConnectionError = error;
    });
    // defineCommand sends EVALSHA and falls back to EVAL when the server does not know the script yet.
    if (!(COMMAND in this.client)) this.client.defineCommand(COMMAND, { lua: SLIDING_WINDOW_LUA });
    const command = (this.client as unknown as Record<string, ScriptRunner>)[COMMAND]!;
    this.run = command.bind(this.client);
  }

  /** `now` is ignored: Redis's clock decides, so every node shares one timeline. */
  async check(requests: LimitRequest[], _now?: number): Promise<LimitOutcome> {
    assertLimitRequests(requests);
    if (requests.length === 0) return { allowed: true, results: [] };
    const keys = requests.map((request) => this.keyPrefix + request.bucket);
    const args = requests.flatMap((request) => [request.limit, request.durationMs, request.cost]);
    const reply = await this.run(keys.length, ...keys, ...args);
    return parseReply(reply, requests);
  }

  /** Resolves once the connection is ready, or false after `timeoutMs`. */
  ready(timeoutMs: number): Promise<boolean> {
    if (this.client.status === "ready") return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (ready: boolean) => {
        clearTimeout(timer);
        this.client.off("ready", onReady);
        resolve(ready);
      };
      const onReady = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      timer.unref();
      this.client.on("ready", onReady);
    });
  }

  /** Runs the real script on a read-only check: succeeds only when limits can be decided again. */
  async probe(): Promise<void> {
    await this.check([{ bucket: PROBE_BUCKET, name: "probe", limit: 1, durationMs: 1_000, cost: 0 }]);
  }

  /** Calls `listener` each time the connection becomes ready; returns the unsubscribe. */
  onReady(listener: () => void): () => void {
    this.client.on("ready", listener);
    return () => this.client.off("ready", listener);
  }

  async close(): Promise<void> {
    if (!this.ownsClient) return;
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect(); // quit needs a live connection; a dead one is just dropped
    }
  }
}

function parseReply(reply: unknown, requests: readonly LimitRequest[]): LimitOutcome {
  if (!Array.isArray(reply) || reply.length !== 1 + 4 * requests.length) throw new Error("unexpected reply from the rate-limit script");
  const values = reply.map(Number);
  const results = requests.map((request, index): LimitResult => {
    const base = 1 + 4 * index;
    const retryAfterMs = values[base + 3]!;
    return {
      name: request.name,
      limit: request.limit,
      allowed: values[base] === 1,
      remaining: values[base + 1]!,
      resetMs: values[base + 2]!,
      retryAfterMs: retryAfterMs < 0 ? null : retryAfterMs,
    };
  });
  return { allowed: values[0] === 1, results };
}

export function createRedisLimiter(options: RedisLimiterOptions): RedisLimiter {
  return new RedisLimiter(options);
}
