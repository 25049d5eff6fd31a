// Embedded mode's verify machinery: the same store, limiter, credit pool and change bus as a server
// node built from the same KEYWARD_* settings, but no HTTP API and no first-start bootstrap.
import { existsSync } from "node:fs";
import type { Logger } from "pino";
import { ConfigError, loadConfig } from "../config/index.js";
import type { ServiceContext } from "../services/index.js";
import { openNode } from "../services/node.js";
import { isPostgresUrl } from "../storage/index.js";

export interface EmbeddedNode {
  ctx: ServiceContext;
  close(): Promise<void>;
}

export async function openEmbeddedNode(env: NodeJS.ProcessEnv, logger: Logger): Promise<EmbeddedNode> {
  const config = loadConfig(env);
  // Opening a SQLite path that does not exist would create an empty database in which no key is
  // ever found: a typo in the path must stop start-up instead.
  if (!isPostgresUrl(config.databaseUrl) && config.databaseUrl !== ":memory:" && !existsSync(config.databaseUrl)) {
    throw new ConfigError([
      `KEYWARD_DATABASE_URL: no Keyward database at ${config.databaseUrl}; point it at the server's database, or use remote mode (KEYWARD_URL and KEYWARD_ROOT_KEY)`,
    ]);
  }
  // Revocations made on a server reach this process through the bus (Redis or PostgreSQL); with a
  // SQLite file and no Redis there is none, and a cached key lives until the cache TTL.
  const { ctx, close } = await openNode(config, logger);
  return { ctx, close };
}
