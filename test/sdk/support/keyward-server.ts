// A real Keyward for the SDK tests: startServer on a temp SQLite file and port 0, an API, a root key
// holding only keys:verify (what a middleware should run with), and an admin client made by the SDK.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../../src/config/index.js";
import { startServer } from "../../../src/server/start.js";
import { createKeywardClient, unwrap, type KeywardClient } from "../../../src/sdk/index.js";
import type { CreateKeyRequest, CreatedKey } from "../../../src/sdk/types.js";

export interface TestKeyward {
  url: string;
  /** The install's root key (`*`). */
  rootKey: string;
  /** A root key holding only keys:verify. */
  verifyRootKey: string;
  apiId: string;
  admin: KeywardClient;
  /** A key of the test API; `body` adds to `{ apiId }`. */
  createKey(body?: Partial<CreateKeyRequest>): Promise<CreatedKey>;
  close(): Promise<void>;
}

export async function startKeyward(): Promise<TestKeyward> {
  const dir = mkdtempSync(join(tmpdir(), "keyward-sdk-"));
  const config = loadConfig({}, { databaseUrl: join(dir, "keyward.db"), port: 0, host: "127.0.0.1", logLevel: "silent" });
  let rootKey = "";
  const server = await startServer(config, { announce: (text) => (rootKey = /kwroot_live_\w+/.exec(text)?.[0] ?? "") });
  const admin = createKeywardClient({ baseUrl: server.url, rootKey });
  const api = await unwrap(admin.POST("/v1/apis", { body: { name: "sdk test api", prefix: "sdkt" } }));
  const verifier = await unwrap(admin.POST("/v1/root-keys", { body: { name: "middleware", permissions: ["keys:verify"] } }));
  return {
    url: server.url,
    rootKey,
    verifyRootKey: verifier.key,
    apiId: api.id,
    admin,
    createKey: (body = {}) => admin.createKey({ apiId: api.id, ...body }),
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The URL of a port nothing listens on: connections are refused. */
export async function deadUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return `http://127.0.0.1:${port}`;
}

/** A fetch that counts the verify calls that reach the network. */
export function countingFetch(): { fetch: (request: Request) => Promise<Response>; verifyCalls(): number } {
  let calls = 0;
  return {
    fetch: (request) => {
      if (new URL(request.url).pathname === "/v1/keys/verify") calls += 1;
      return fetch(request);
    },
    verifyCalls: () => calls,
  };
}

/** A logger that keeps its lines, to assert what was logged (and that no key was). */
export function memoryLogger() {
  const lines: { level: "warn" | "error"; message: string; fields: Record<string, unknown> }[] = [];
  return {
    lines,
    text: () => JSON.stringify(lines),
    warn: (fields: Record<string, unknown>, message: string) => void lines.push({ level: "warn", message, fields }),
    error: (fields: Record<string, unknown>, message: string) => void lines.push({ level: "error", message, fields }),
  };
}
