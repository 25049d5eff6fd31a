// Picks the change bus for a deployment: Redis when configured, else PostgreSQL when the store is
// PostgreSQL, else local (a single SQLite node needs only its own cache).
import { LocalBus } from "./local-bus.js";
import type { ChangeBus } from "./port.js";
import { PostgresBus } from "./postgres-bus.js";
import { RedisBus } from "./redis-bus.js";

export interface CreateBusOptions {
  redisUrl?: string;
  databaseUrl: string;
  namespace?: string;
  logger?: { warn(object: object, message: string): void; info?(object: object, message: string): void };
}

export function createChangeBus(options: CreateBusOptions): ChangeBus {
  const common = { ...(options.namespace ? { namespace: options.namespace } : {}), ...(options.logger ? { logger: options.logger } : {}) };
  if (options.redisUrl) return new RedisBus({ url: options.redisUrl, ...common });
  if (/^postgres(ql)?:\/\//.test(options.databaseUrl)) return new PostgresBus({ connectionString: options.databaseUrl, ...common });
  return new LocalBus();
}
