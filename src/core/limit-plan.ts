// Which rate limits a verification applies, and at what cost: every auto-apply limit of the key and of
// its identity (the key's wins on a shared name), plus the ones the request names. Pure.
import type { IdentityRecord, KeyRecord, RateLimitConfig } from "./records.js";

export interface BucketLimit {
  /** Limiter bucket: a key's own limit counts per key, an identity's is shared by all its keys. */
  bucket: string;
  name: string;
  limit: number;
  durationMs: number;
  autoApply: boolean;
}

export interface PlannedLimit {
  bucket: string;
  name: string;
  limit: number;
  durationMs: number;
  cost: number;
}

export interface RequestedLimit {
  name: string;
  /** Default 1. */
  cost?: number;
  /** With durationMs: applies this limit instead of (or when there is no) configured one. */
  limit?: number;
  durationMs?: number;
}

/** The key's limits by name, compiled once per cached key. */
export function compileLimits(key: KeyRecord, identity: IdentityRecord | null): Map<string, BucketLimit> {
  const limits = new Map<string, BucketLimit>();
  const add = (scope: string, config: RateLimitConfig) =>
    limits.set(config.name, { bucket: `${scope}:${config.name}`, name: config.name, limit: config.limit, durationMs: config.durationMs, autoApply: config.autoApply });
  for (const config of identity?.ratelimits ?? []) add(`i:${identity!.id}`, config);
  for (const config of key.ratelimits) add(`k:${key.id}`, config);
  return limits;
}

/**
 * Auto-apply limits at cost 1, then each requested one. A requested name that the key does not have
 * and that brings no limit of its own is not applied: the key has no such limit.
 */
export function planLimits(keyId: string, limits: ReadonlyMap<string, BucketLimit>, requested: readonly RequestedLimit[] = []): PlannedLimit[] {
  const planned = new Map<string, PlannedLimit>();
  for (const limit of limits.values()) {
    if (limit.autoApply) planned.set(limit.name, { bucket: limit.bucket, name: limit.name, limit: limit.limit, durationMs: limit.durationMs, cost: 1 });
  }
  for (const request of requested) {
    const configured = limits.get(request.name);
    const inline = request.limit !== undefined && request.durationMs !== undefined;
    if (!configured && !inline) continue;
    planned.set(request.name, {
      bucket: configured?.bucket ?? `k:${keyId}:${request.name}`,
      name: request.name,
      limit: inline ? request.limit! : configured!.limit,
      durationMs: inline ? request.durationMs! : configured!.durationMs,
      cost: request.cost ?? 1,
    });
  }
  return [...planned.values()];
}
