// The configuration schema: one place for every setting, its default and its environment variable.
import { Type, type Static } from "@sinclair/typebox";

export const ConfigSchema = Type.Object(
  {
    host: Type.String({ minLength: 1, default: "127.0.0.1" }),
    port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
    /** A SQLite file path, or a postgres:// URL. */
    databaseUrl: Type.String({ minLength: 1, default: "./data/keyward.db" }),
    logLevel: Type.Union(
      ["fatal", "error", "warn", "info", "debug", "trace", "silent"].map((level) => Type.Literal(level)),
      { default: "info" },
    ),
    tlsCert: Type.Optional(Type.String({ minLength: 1 })),
    tlsKey: Type.Optional(Type.String({ minLength: 1 })),
    /** Binding a non-loopback address without TLS must be asked for explicitly. */
    allowInsecureBind: Type.Boolean({ default: false }),
    /** Read a key from a query parameter of this name (off by default: URLs end up in logs). */
    keyQueryParam: Type.Optional(Type.String({ pattern: "^[A-Za-z0-9_-]{1,64}$" })),
    cacheMaxEntries: Type.Integer({ minimum: 0, maximum: 10_000_000, default: 200_000 }),
    cacheTtlMs: Type.Integer({ minimum: 0, default: 60_000 }),
    negativeCacheTtlMs: Type.Integer({ minimum: 0, default: 10_000 }),
    usageFlushIntervalMs: Type.Integer({ minimum: 10, default: 5_000 }),
    bodyLimitBytes: Type.Integer({ minimum: 1024, maximum: 50 * 1024 * 1024, default: 1024 * 1024 }),
    trustProxy: Type.Boolean({ default: false }),
    /** redis://… : limiter state and the credit pool are shared by every node using it. */
    redisUrl: Type.Optional(Type.String({ pattern: "^rediss?://" })),
    /** Credits leased from the store per write: what a crash can at most leave unspent. */
    creditBlockSize: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 100 }),
    /** `GET /v1/auth` (nginx auth_request): unknown or malformed keys one client address may try per window. */
    authFailureLimit: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 60 }),
    authFailureWindowMs: Type.Integer({ minimum: 1_000, maximum: 86_400_000, default: 60_000 }),
    /** PEM file of the Ed25519 key that signs audit checkpoints (`keyward audit keygen`); unset: no checkpoints. */
    auditSigningKey: Type.Optional(Type.String({ minLength: 1 })),
    /** File with the key that seals webhook signing secrets at rest (`keyward secrets keygen`); the same file on every node. Unset: stored as they are. */
    secretsKey: Type.Optional(Type.String({ minLength: 1 })),
    /** How often each workspace's audit chain head is signed (also once on shutdown). */
    auditCheckpointIntervalMs: Type.Integer({ minimum: 1_000, maximum: 86_400_000, default: 300_000 }),
    /** How often each node looks for expiring and expired keys and ended graces (key.expiring, key.expire, key.grace_end); 0: never. */
    lifecycleSweepIntervalMs: Type.Integer({ minimum: 0, maximum: 86_400_000, default: 60_000 }),
    /** JSON file of GitHub's secret scanning public keys (GET https://api.github.com/meta/public_keys/secret_scanning); unset: POST /v1/leaks/github refuses reports. */
    githubScanningKeys: Type.Optional(Type.String({ minLength: 1 })),
    /** Let webhooks reach loopback, private, link-local and metadata addresses, and plain http (docs/webhooks.md). */
    webhooksAllowInternal: Type.Boolean({ default: false }),
    /** How long one webhook attempt may take, connection to response headers and body. */
    webhookTimeoutMs: Type.Integer({ minimum: 100, maximum: 120_000, default: 10_000 }),
    /** How often each node looks for due webhook deliveries (it also looks right after writing one). */
    webhookPollIntervalMs: Type.Integer({ minimum: 10, maximum: 60_000, default: 1_000 }),
    /** Waits before each webhook retry, comma-separated milliseconds; unset: the ~3-day schedule of docs/webhooks.md. */
    webhookRetryScheduleMs: Type.Optional(Type.String({ pattern: "^\\d{1,10}(,\\d{1,10}){0,29}$" })),
  },
  { additionalProperties: false },
);

export type KeywardConfig = Static<typeof ConfigSchema>;

/** Environment variable → config field. */
export const ENV_VARIABLES: Record<string, keyof KeywardConfig> = {
  KEYWARD_HOST: "host",
  KEYWARD_PORT: "port",
  KEYWARD_DATABASE_URL: "databaseUrl",
  KEYWARD_LOG_LEVEL: "logLevel",
  KEYWARD_TLS_CERT: "tlsCert",
  KEYWARD_TLS_KEY: "tlsKey",
  KEYWARD_ALLOW_INSECURE_BIND: "allowInsecureBind",
  KEYWARD_KEY_QUERY_PARAM: "keyQueryParam",
  KEYWARD_CACHE_MAX_ENTRIES: "cacheMaxEntries",
  KEYWARD_CACHE_TTL_MS: "cacheTtlMs",
  KEYWARD_NEGATIVE_CACHE_TTL_MS: "negativeCacheTtlMs",
  KEYWARD_USAGE_FLUSH_INTERVAL_MS: "usageFlushIntervalMs",
  KEYWARD_BODY_LIMIT_BYTES: "bodyLimitBytes",
  KEYWARD_TRUST_PROXY: "trustProxy",
  KEYWARD_REDIS_URL: "redisUrl",
  KEYWARD_CREDIT_BLOCK_SIZE: "creditBlockSize",
  KEYWARD_AUTH_FAILURE_LIMIT: "authFailureLimit",
  KEYWARD_AUTH_FAILURE_WINDOW_MS: "authFailureWindowMs",
  KEYWARD_AUDIT_SIGNING_KEY: "auditSigningKey",
  KEYWARD_SECRETS_KEY: "secretsKey",
  KEYWARD_AUDIT_CHECKPOINT_INTERVAL_MS: "auditCheckpointIntervalMs",
  KEYWARD_LIFECYCLE_SWEEP_INTERVAL_MS: "lifecycleSweepIntervalMs",
  KEYWARD_GITHUB_SCANNING_KEYS: "githubScanningKeys",
  KEYWARD_WEBHOOKS_ALLOW_INTERNAL: "webhooksAllowInternal",
  KEYWARD_WEBHOOK_TIMEOUT_MS: "webhookTimeoutMs",
  KEYWARD_WEBHOOK_POLL_INTERVAL_MS: "webhookPollIntervalMs",
  KEYWARD_WEBHOOK_RETRY_SCHEDULE_MS: "webhookRetryScheduleMs",
};
