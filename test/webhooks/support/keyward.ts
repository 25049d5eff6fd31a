// Keyward in this process, as `keyward serve` runs it (the real server, its node and delivery worker),
// on a SQLite file that outlives a restart; retries shortened so tests take seconds.
import { join } from "node:path";
import { loadConfig } from "../../../src/config/index.js";
import { startServer, type RunningServer } from "../../../src/server/start.js";

export interface Keyward {
  url: string;
  rootKey: string;
  /** A JSON call with the root key. */
  call(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }>;
  /** Stops, runs `meanwhile` (Keyward is down), and starts again on the same database. */
  restart(meanwhile?: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

export const TEST_SCHEDULE_MS = "200,200,200,200,200,200";

/** `rootKey`: the install's root key, when `dir` holds a database an earlier start bootstrapped. */
export async function startKeyward(dir: string, env: Record<string, string> = {}, knownRootKey?: string): Promise<Keyward> {
  const config = loadConfig({
    KEYWARD_DATABASE_URL: join(dir, "keyward.db"),
    KEYWARD_PORT: "0",
    KEYWARD_LOG_LEVEL: "silent",
    KEYWARD_WEBHOOKS_ALLOW_INTERNAL: "true",
    KEYWARD_WEBHOOK_POLL_INTERVAL_MS: "50",
    KEYWARD_WEBHOOK_TIMEOUT_MS: "2000",
    KEYWARD_WEBHOOK_RETRY_SCHEDULE_MS: TEST_SCHEDULE_MS,
    ...env,
  });
  let rootKey = knownRootKey ?? "";
  let server: RunningServer = await startServer(config, { announce: (text) => (rootKey = /kwroot_live_[0-9A-Za-z]+/.exec(text)?.[0] ?? "") });
  if (!rootKey) throw new Error("no root key announced");
  const keyward: Keyward = {
    url: server.url,
    rootKey,
    async call(method, path, body) {
      const response = await fetch(`${keyward.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${rootKey}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      return { status: response.status, json: text ? JSON.parse(text) : null };
    },
    async restart(meanwhile) {
      await server.close();
      await meanwhile?.();
      server = await startServer(config, { announce: () => undefined });
      keyward.url = server.url;
    },
    close: () => server.close(),
  };
  return keyward;
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
