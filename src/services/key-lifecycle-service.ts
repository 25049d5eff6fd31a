// The end of a key's secrets: revoke (the key, for good) and rotate (a new secret, the old one honoured
// for a grace period). Each change and its audit entry are one transaction.
import { generateKey } from "../core/index.js";
import { KeywardError } from "../errors/index.js";
import { keyAuditView } from "../audit/audit-views.js";
import { recordChange, type ChangeActor } from "./audit-trail.js";
import type { ServiceContext } from "./context.js";
import { findKeyRecord, toKeyView, type KeyView } from "./keys-service.js";
import { rolesById } from "./role-refs.js";
import { announceGraceEnd } from "../lifecycle/announcements.js";
import { parseExpiry } from "./input-checks.js";
import { checkNewExpiry } from "./lifetime-checks.js";

export async function revokeKey(ctx: ServiceContext, actor: ChangeActor, keyId: string, reason: string | null): Promise<KeyView> {
  const { key, roles } = await ctx.store.transaction(async (store) => {
    const before = await findKeyRecord(store, actor, keyId);
    const revoked = await store.keys.revoke(actor.workspaceId, keyId, reason, ctx.now());
    if (!revoked) throw new KeywardError("KEY_NOT_FOUND", `No key ${keyId} in this workspace.`);
    await recordChange(ctx, store, actor, { action: "key.revoke", targetId: keyId, before: keyAuditView(before), after: keyAuditView(revoked) });
    return { key: revoked, roles: await rolesById(store, actor.workspaceId, revoked.roleIds) };
  });
  await ctx.invalidation.key(keyId);
  return toKeyView(ctx, key, roles);
}

/** Most grace a rotation may give the previous secret: 30 days. */
export const MAX_ROTATION_GRACE_SECONDS = 30 * 86_400;

/**
 * A new secret for the same key record; the previous one keeps working for `gracePeriodSeconds`
 * (0: refused at once). Returns the new secret, shown this once.
 */
export async function rotateKey(
  ctx: ServiceContext,
  actor: ChangeActor,
  keyId: string,
  gracePeriodSeconds: number,
  options: { expiresAt?: string | null } = {},
): Promise<KeyView & { secret: string; previousValidUntil: Date }> {
  const now = ctx.now();
  const expiresAt = parseExpiry(options.expiresAt, now, "/body/expiresAt");
  const graceEndsAt = new Date(now.getTime() + gracePeriodSeconds * 1000);
  const { key, secret, newHash } = await ctx.store.transaction(async (store) => {
    const existing = await findKeyRecord(store, actor, keyId);
    if (existing.revokedAt) throw new KeywardError("KEY_REVOKED", `Key ${keyId} is revoked; a revoked key cannot be rotated.`);
    const api = await store.apis.get(actor.workspaceId, existing.apiId);
    checkNewExpiry(api!, expiresAt, now, "/body/expiresAt");
    const generated = generateKey(api!.prefix, existing.environment, ctx.random);
    // The rotation drops retired secrets whose grace is over: their key.grace_end is written first.
    for (const grace of await store.lifecycle.endedGraces(now, 100, keyId)) await announceGraceEnd(ctx, store, grace, now);
    let rotated = await store.keys.rotate(actor.workspaceId, keyId, { hash: generated.hash, start: generated.start }, graceEndsAt, now);
    if (rotated && expiresAt !== undefined) rotated = await store.keys.update(actor.workspaceId, keyId, { expiresAt }, now);
    if (!rotated) throw new KeywardError("KEY_NOT_FOUND", `No key ${keyId} in this workspace.`);
    // The grace end is part of what the rotation did: until then the previous secret still works.
    const after = { ...keyAuditView(rotated), previousValidUntil: graceEndsAt.toISOString() };
    await recordChange(ctx, store, actor, { action: "key.rotate", targetId: keyId, before: keyAuditView(existing), after });
    return { key: rotated, secret: generated.key, newHash: generated.hash };
  });
  ctx.cache.delete(newHash);
  // Every node drops the old secret's entry: with a grace it is read again with its grace end, without
  // one it is unknown from now on.
  await ctx.invalidation.key(keyId);
  const view = await toKeyView(ctx, key, await rolesById(ctx.store, actor.workspaceId, key.roleIds));
  return { ...view, secret, previousValidUntil: graceEndsAt };
}
