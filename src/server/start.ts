// Runs Keyward as a server: config → store (migrations) → first-start bootstrap → listen → graceful stop.
import { readFileSync } from "node:fs";
import pino from "pino";
import { createCheckpointWriter, loadSigningKey } from "../audit/index.js";
import { isLoopbackHost, type KeywardConfig } from "../config/index.js";
import { loadGithubPublicKeys } from "../leaks/index.js";
import { bootstrapInstall, sealStoredSecrets } from "../services/index.js";
import { openNode } from "../services/node.js";
import { buildApp } from "./app.js";

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Where the one-time root key notice goes (stdout, never the log). */
  announce?: (text: string) => void;
}

export async function startServer(config: KeywardConfig, options: StartOptions = {}): Promise<RunningServer> {
  const announce = options.announce ?? ((text: string) => process.stdout.write(text));
  const logger = pino({ level: config.logLevel });
  const tls = config.tlsCert && config.tlsKey ? { cert: readFileSync(config.tlsCert), key: readFileSync(config.tlsKey) } : null;
  if (!tls && !isLoopbackHost(config.host)) {
    if (!config.allowInsecureBind) {
      throw new Error(
        `refusing to bind ${config.host} without TLS: set KEYWARD_TLS_CERT and KEYWARD_TLS_KEY, or KEYWARD_ALLOW_INSECURE_BIND=true behind a TLS-terminating proxy`,
      );
    }
    logger.warn({ host: config.host }, "listening on a non-loopback address without TLS: keys will cross the network in clear text");
  }

  // Before anything opens: a named signing key that cannot be used stops the start.
  const auditKey = config.auditSigningKey ? loadSigningKey(config.auditSigningKey) : null;
  if (auditKey?.looseMode) logger.warn({ file: config.auditSigningKey }, "the audit signing key file is readable by group or others: chmod 600 it");
  // Likewise GitHub's secret scanning keys: a file that cannot be used stops the start, not the first report.
  const githubScanningKeys = config.githubScanningKeys ? loadGithubPublicKeys(config.githubScanningKeys) : null;

  const node = await openNode(config, logger, { auditKey });
  const { store, ctx, bus } = node;
  const sealed = await sealStoredSecrets(ctx);
  if (sealed > 0) logger.info({ endpoints: sealed }, "sealed webhook signing secrets under the current secrets key (stored before KEYWARD_SECRETS_KEY was set, or under an older key of it)");
  const installRootKey = await bootstrapInstall(ctx);
  const app = await buildApp({
    ctx,
    logger: { level: config.logLevel },
    bodyLimitBytes: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    ...(config.keyQueryParam ? { keyQueryParam: config.keyQueryParam } : {}),
    authFailures: { limit: config.authFailureLimit, windowMs: config.authFailureWindowMs },
    https: tls,
    githubScanningKeys,
  });
  const checkpoints = auditKey ? createCheckpointWriter({ audit: store.audit, key: auditKey, now: ctx.now, logger }) : null;
  checkpoints?.start(config.auditCheckpointIntervalMs);
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  const url = `${tls ? "https" : "http"}://${host}:${port}`;

  if (installRootKey) {
    // Printed to stdout once, never through the logger, so log shipping never carries it.
    announce(
      [
        "",
        "Keyward created the default workspace and its root key:",
        "",
        `    ${installRootKey.secret}`,
        "",
        "Store it now (e.g. export KEYWARD_ROOT_KEY=...). It will not be shown again.",
        "",
        "",
      ].join("\n"),
    );
  }
  logger.info({ url, database: store.capabilities.sharedAcrossProcesses ? "postgres" : "sqlite", limiter: ctx.limiter.status().backend, changeBus: bus.constructor.name, auditCheckpoints: auditKey ? auditKey.keyId : "off", githubLeakReports: githubScanningKeys ? `${githubScanningKeys.byId.size} key(s)` : "off" }, "keyward listening");

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      ctx.usage.stop();
      await app.close();
      // The last changes get a checkpoint before the database goes.
      await checkpoints?.stop();
      await checkpoints?.writeNow().catch((error: unknown) => logger.warn({ err: error }, "audit checkpoint on shutdown failed"));
      await node.close();
    })());
  return { url, close };
}
