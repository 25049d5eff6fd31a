// Gateway test rig: a real Keyward (the in-process harness, listening for remote mode), a gateway in
// either mode in front of a real upstream, and a plain HTTP client.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { request } from "undici";
import { createEmbeddedChecker, createRemoteChecker, listenGateway, loadGatewayConfig, type GatewayFlags, type RunningGateway } from "../../../src/gateway/index.js";
import { fixtures, type Fixtures } from "../../http/fixtures.js";
import { createHarness, type Harness } from "../../support/harness.js";

export type Mode = "embedded" | "remote";
export const MODES: Mode[] = ["embedded", "remote"];

export interface TestKeyward {
  h: Harness;
  f: Fixtures;
  /** The harness's server, listening (remote mode verifies through it). */
  url: string;
  /** A root key holding only keys:verify, as remote mode is meant to run. */
  verifyKey: string;
  close(): Promise<void>;
}

export async function startKeyward(): Promise<TestKeyward> {
  const h = await createHarness();
  await h.app.listen({ host: "127.0.0.1", port: 0 });
  const { port } = h.app.server.address() as { port: number };
  const f = fixtures(h);
  const verifyKey = (await f.rootKey(["keys:verify"])).key as string;
  return { h, f, url: `http://127.0.0.1:${port}`, verifyKey, close: () => h.close() };
}

export interface TestGatewayOptions {
  upstream: string;
  apiId: string;
  /** YAML for the rest of the configuration (routes, options). */
  yaml?: string;
  flags?: GatewayFlags;
  /** Receives every log line (JSON), at debug level. */
  logs?: string[];
}

export async function startTestGateway(k: TestKeyward, mode: Mode, options: TestGatewayOptions): Promise<RunningGateway> {
  const file = join(k.h.dir, `gateway-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, options.yaml ?? "");
  const loaded = loadGatewayConfig({ upstream: options.upstream, api: options.apiId, port: "0", ...options.flags }, file);
  const logs = options.logs;
  const logger = logs
    ? pino({ level: "debug" }, new Writable({ write: (chunk, _encoding, done) => (logs.push(String(chunk)), done()) }))
    : pino({ level: "silent" });
  const checker =
    mode === "embedded"
      ? createEmbeddedChecker({ ctx: k.h.ctx, apiId: options.apiId, workspaceId: null })
      : createRemoteChecker({ url: k.url, rootKey: k.verifyKey, apiId: options.apiId, timeoutMs: loaded.config.keywardTimeoutMs });
  return listenGateway({ loaded, checker: loaded.config.auth ? checker : null, logger });
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

export async function send(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  const response = await request(url, { method: (init.method ?? "GET") as "GET", headers: init.headers ?? {}, body: init.body ?? null });
  const text = await response.body.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: response.statusCode, headers: response.headers, text, json };
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
