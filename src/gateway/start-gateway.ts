// Runs the gateway: config → key checker (embedded or remote) → node:http(s) server → graceful stop.
import { readFileSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import pino, { type Logger } from "pino";
import { ConfigError } from "../config/index.js";
import { createEmbeddedChecker } from "./embedded-checker.js";
import { openEmbeddedNode } from "./embedded-node.js";
import { createForwarder } from "./forwarder.js";
import { createGatewayHandler } from "./gateway-handler.js";
import type { KeyChecker } from "./key-checker.js";
import type { LoadedGatewayConfig } from "./load-gateway-config.js";
import { createRemoteChecker, probeRemote } from "./remote-checker.js";

export interface RunningGateway {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export interface GatewayParts {
  loaded: LoadedGatewayConfig;
  /** null forwards every call unverified (`auth: false`). */
  checker: KeyChecker | null;
  logger: Logger;
  /** Runs after the server stopped (closes what the checker needs). */
  onClose?: () => Promise<void>;
}

/** Listens with a ready checker: what `keyward gateway` runs, and what tests build on directly. */
export async function listenGateway({ loaded, checker, logger, onClose }: GatewayParts): Promise<RunningGateway> {
  const { config } = loaded;
  const tls = config.tlsCert && config.tlsKey ? { cert: readFileSync(config.tlsCert), key: readFileSync(config.tlsKey) } : null;
  const forwarder = createForwarder(loaded.upstream, config.upstreamTimeoutMs);
  const handler = createGatewayHandler({ config, routes: loaded.routes, keyHeaders: loaded.keyHeaders, checker, forwarder, logger, tls: tls !== null });
  const server = tls ? createHttpsServer(tls, handler) : createHttpServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  const url = `${tls ? "https" : "http"}://${host}:${port}`;

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await forwarder.close();
      await checker?.close();
      await onClose?.();
    })());
  return { url, server, close };
}

/** The checker for the configured mode: remote when asked or when KEYWARD_URL is set, else embedded. */
async function openChecker(loaded: LoadedGatewayConfig, env: NodeJS.ProcessEnv, logger: Logger): Promise<{ checker: KeyChecker; mode: string; onClose?: () => Promise<void> }> {
  const { config } = loaded;
  const apiId = config.api!;
  const mode = config.mode ?? (env.KEYWARD_URL ? "remote" : "embedded");
  if (mode === "remote") {
    const url = env.KEYWARD_URL?.trim();
    const rootKey = env.KEYWARD_ROOT_KEY?.trim();
    if (!url || !rootKey) throw new ConfigError(["remote mode needs KEYWARD_URL and KEYWARD_ROOT_KEY (a root key with keys:verify) in the environment"]);
    const options = { url, rootKey, apiId, timeoutMs: config.keywardTimeoutMs, importedKeys: config.importedKeys === true };
    const problem = await probeRemote(options);
    if (problem) throw new ConfigError([problem]);
    return { checker: createRemoteChecker(options), mode };
  }
  const node = await openEmbeddedNode(env, logger);
  try {
    if (config.workspace) {
      const api = await node.ctx.store.apis.get(config.workspace, apiId);
      if (!api || api.kind !== "customer") throw new ConfigError([`--api ${apiId} is not an API of the workspace ${config.workspace}`]);
    }
  } catch (error) {
    await node.close();
    throw error;
  }
  return { checker: createEmbeddedChecker({ ctx: node.ctx, apiId, workspaceId: config.workspace ?? null }), mode, onClose: node.close };
}

export async function startGateway(loaded: LoadedGatewayConfig, env: NodeJS.ProcessEnv = process.env): Promise<RunningGateway> {
  const { config } = loaded;
  const logger = pino({ level: config.logLevel });
  const opened = config.auth ? await openChecker(loaded, env, logger) : null;
  if (!opened) logger.warn({}, "auth is off: every call is forwarded without verifying a key (a benchmark baseline, never for production)");
  const running = await listenGateway({ loaded, checker: opened?.checker ?? null, logger, ...(opened?.onClose ? { onClose: opened.onClose } : {}) });
  logger.info({ url: running.url, upstream: loaded.upstream.origin, mode: opened?.mode ?? "off", api: config.api, routes: loaded.routes.length }, "keyward gateway listening");
  return running;
}
