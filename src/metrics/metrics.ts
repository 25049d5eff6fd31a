// Prometheus metrics (prom-client), one registry per app so tests can run several apps in one process.
// Labels carry outcome codes and route patterns only, never a key, a hash or an id.
import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";

export interface KeywardMetrics {
  registry: Registry;
  verifications: Counter<"code">;
  cacheLookups: Counter<"result">;
  usageFlushes: Counter<"outcome">;
  cacheEntries: Gauge;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): KeywardMetrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: "keyward_" });
  return {
    registry,
    verifications: new Counter({
      name: "keyward_verifications_total",
      help: "Key verifications by outcome code.",
      labelNames: ["code"],
      registers: [registry],
    }),
    cacheLookups: new Counter({
      name: "keyward_verify_cache_lookups_total",
      help: "Verify cache lookups: hit, negative_hit (known unknown key) or miss.",
      labelNames: ["result"],
      registers: [registry],
    }),
    usageFlushes: new Counter({
      name: "keyward_usage_flushes_total",
      help: "Write-behind usage flushes by outcome.",
      labelNames: ["outcome"],
      registers: [registry],
    }),
    cacheEntries: new Gauge({ name: "keyward_verify_cache_entries", help: "Entries in the verify cache.", registers: [registry] }),
  };
}
