// An in-memory Keyward for HTTP tests: a real SQLite file in a temp dir, the real app, `inject()`.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AuditSigningKey } from "../../src/core/index.js";
import { buildApp } from "../../src/server/app.js";
import { bootstrapInstall, closeServiceContext, createServiceContext, type ServiceContext } from "../../src/services/index.js";
import { createStore } from "../../src/storage/index.js";

export interface Harness {
  app: Awaited<ReturnType<typeof buildApp>>;
  ctx: ServiceContext;
  /** The install's first root key (permission `*`). */
  rootKey: string;
  dir: string;
  databaseFile: string;
  /** Moves the clock used by services and verification. */
  /** null returns to the real clock. */
  setNow(date: Date | null): void;
  close(): Promise<void>;
  /** inject() with the given root key (default: the install root key) and a JSON body. */
  call(method: string, url: string, body?: unknown, rootKey?: string | null): Promise<{ status: number; json: any; headers: Record<string, unknown> }>;
}

export async function createHarness(
  options: { logger?: object | false; auditKey?: AuditSigningKey; beforeReady?: (app: Awaited<ReturnType<typeof buildApp>>) => void } = {},
): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), "keyward-test-"));
  const databaseFile = join(dir, "keyward.db");
  const store = await createStore({ url: databaseFile });
  let now: Date | null = null;
  const ctx = createServiceContext({ store, logger: { warn() {} }, now: () => now ?? new Date(), auditKey: options.auditKey ?? null });
  const issued = await bootstrapInstall(ctx);
  if (!issued) throw new Error("bootstrap did not run on an empty database");
  const app = await buildApp({ ctx, logger: options.logger ?? false });
  options.beforeReady?.(app);
  await app.ready();
  const harness: Harness = {
    app,
    ctx,
    rootKey: issued.secret,
    dir,
    databaseFile,
    setNow(date) {
      now = date;
    },
    async close() {
      await app.close();
      await closeServiceContext(ctx);
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
    async call(method, url, body, rootKey) {
      const key = rootKey === undefined ? harness.rootKey : rootKey;
      const response = await app.inject({
        method: method as "GET",
        url,
        headers: {
          ...(key ? { authorization: `Bearer ${key}` } : {}),
          ...(body !== undefined ? { "content-type": "application/json" } : {}),
        },
        ...(body !== undefined ? { payload: typeof body === "string" ? body : JSON.stringify(body) } : {}),
      });
      let json: any = null;
      try {
        json = response.body ? JSON.parse(response.body) : null;
      } catch {
        json = response.body;
      }
      return { status: response.statusCode, json, headers: response.headers };
    },
  };
  return harness;
}
