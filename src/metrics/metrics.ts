// Prometheus metrics (prom-client), one registry per app so tests can run several apps in one process.
// Labels carry outcome codes and route patterns only, never a key, a hash or an id.
import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";

export interface KeywardMetrics {
  registry: Registry;
  verifications: Counter<"code">;
  cacheLookups: Counter<"result">;
  usageFlushes: Counter<"outcome">;
  cacheEntries: Gauge;
  creditsLow: Counter;
  /** 1 while a Redis-backed component answers from its local fallback. */
  degraded: Gauge<"component">;
  /** Reported tokens by channel (`github`, `report`) and outcome (`revoked`, `unknown`, …). */
  leakFindings: Counter<"channel" | "outcome">;
  /** GitHub reports refused before any lookup, by reason (`missing`, `unknown_key`, `bad_signature`, `not_configured`). */
  leakReportsRefused: Counter<"reason">;
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
    creditsLow: new Counter({ name: "keyward_credits_low_total", help: "Balances that fell to their credits.low threshold.", registers: [registry] }),
    leakFindings: new Counter({
      name: "keyward_leak_findings_total",
      help: "Tokens in leak reports by channel (github, report) and outcome (revoked, disabled, grace_ended, already_*, unknown).",
      labelNames: ["channel", "outcome"],
      registers: [registry],
    }),
    leakReportsRefused: new Counter({
      name: "keyward_leak_reports_refused_total",
      help: "GitHub secret scanning reports refused before any lookup, by reason.",
      labelNames: ["reason"],
      registers: [registry],
    }),
    degraded: new Gauge({
      name: "keyward_degraded",
      help: "1 while a shared component (limiter, credit pool) is unreachable and this node answers from a local fallback.",
      labelNames: ["component"],
      registers: [registry],
    }),
  };
}
