// The standalone limiter (`POST /v1/ratelimit`) for anything that is not a key: login attempts,
// expensive endpoints, per-tenant quotas. Per-identifier overrides are read through a short cache.
import type { Actor } from "../auth/index.js";
import { overrideAuditView, overrideTargetId } from "../audit/audit-views.js";
import { KeywardError } from "../errors/index.js";
import { recordChange, type ChangeActor } from "./audit-trail.js";
import type { RateLimitOverride } from "../storage/port.js";
import type { ServiceContext } from "./context.js";

const OVERRIDE_CACHE_TTL_MS = 10_000;
const OVERRIDE_CACHE_MAX = 10_000;

interface CachedOverride {
  override: RateLimitOverride | null;
  until: number;
}

const overrideCaches = new WeakMap<ServiceContext, Map<string, CachedOverride>>();

function overrideCache(ctx: ServiceContext): Map<string, CachedOverride> {
  let cache = overrideCaches.get(ctx);
  if (!cache) overrideCaches.set(ctx, (cache = new Map()));
  return cache;
}

const cacheKey = (workspaceId: string, namespace: string, identifier: string) => JSON.stringify([workspaceId, namespace, identifier]);

async function findOverride(ctx: ServiceContext, workspaceId: string, namespace: string, identifier: string, now: number) {
  const cache = overrideCache(ctx);
  const key = cacheKey(workspaceId, namespace, identifier);
  const cached = cache.get(key);
  if (cached && cached.until > now) return cached.override;
  const override = await ctx.store.rateLimitOverrides.get(workspaceId, namespace, identifier);
  if (cache.size >= OVERRIDE_CACHE_MAX) cache.clear();
  cache.set(key, { override, until: now + OVERRIDE_CACHE_TTL_MS });
  return override;
}

export interface RateLimitInput {
  namespace: string;
  identifier: string;
  limit: number;
  durationMs: number;
  cost?: number;
}

export async function limitIdentifier(ctx: ServiceContext, actor: Actor, input: RateLimitInput) {
  const now = ctx.now().getTime();
  const override = await findOverride(ctx, actor.workspaceId, input.namespace, input.identifier, now);
  const limit = override?.limit ?? input.limit;
  const durationMs = override?.durationMs ?? input.durationMs;
  const bucket = `ns:${actor.workspaceId}:${JSON.stringify([input.namespace, input.identifier])}`;
  const outcome = await ctx.limiter.check([{ bucket, name: input.namespace, limit, durationMs, cost: input.cost ?? 1 }], now);
  const result = outcome.results[0]!;
  return {
    success: outcome.allowed,
    limit,
    remaining: result.remaining,
    reset: now + result.resetMs,
    retryAfterMs: result.retryAfterMs,
    overridden: override !== null,
  };
}

export async function putOverride(ctx: ServiceContext, actor: ChangeActor, input: { namespace: string; identifier: string; limit: number; durationMs: number }) {
  const override = await ctx.store.transaction(async (store) => {
    const before = await store.rateLimitOverrides.get(actor.workspaceId, input.namespace, input.identifier);
    const after = await store.rateLimitOverrides.put({ workspaceId: actor.workspaceId, ...input, now: ctx.now() });
    await recordChange(ctx, store, actor, {
      action: "ratelimit_override.set",
      targetId: overrideTargetId(input.namespace, input.identifier),
      before: before ? overrideAuditView(before) : null,
      after: overrideAuditView(after),
    });
    return after;
  });
  overrideCache(ctx).delete(cacheKey(actor.workspaceId, input.namespace, input.identifier));
  return override;
}

export async function listOverrides(ctx: ServiceContext, actor: Actor, namespace: string, page: { cursor?: string; limit?: number }) {
  const after = page.cursor ? decodeIdentifierCursor(page.cursor) : undefined;
  const result = await ctx.store.rateLimitOverrides.list(actor.workspaceId, namespace, { limit: page.limit ?? 50, ...(after !== undefined ? { after } : {}) });
  return { items: result.items, nextCursor: result.nextCursor === null ? null : Buffer.from(`o1:${result.nextCursor}`).toString("base64url") };
}

export async function deleteOverride(ctx: ServiceContext, actor: ChangeActor, namespace: string, identifier: string): Promise<void> {
  await ctx.store.transaction(async (store) => {
    const before = await store.rateLimitOverrides.get(actor.workspaceId, namespace, identifier);
    if (!before || !(await store.rateLimitOverrides.delete(actor.workspaceId, namespace, identifier))) {
      throw new KeywardError("OVERRIDE_NOT_FOUND", `No override for ${identifier} in ${namespace}.`);
    }
    await recordChange(ctx, store, actor, { action: "ratelimit_override.delete", targetId: overrideTargetId(namespace, identifier), before: overrideAuditView(before) });
  });
  overrideCache(ctx).delete(cacheKey(actor.workspaceId, namespace, identifier));
}

function decodeIdentifierCursor(cursor: string): string {
  const text = /^[A-Za-z0-9_-]{1,400}$/.test(cursor) ? Buffer.from(cursor, "base64url").toString("utf8") : "";
  if (!text.startsWith("o1:")) throw new KeywardError("INVALID_CURSOR", "Pass back the nextCursor of the previous page unchanged.");
  return text.slice(3);
}
