// Lifecycle announcements: each is a guarded mark plus its audit entry, in one transaction, so that with
// several nodes sweeping exactly one writes the entry (webhooks derive from the entry). A key that is
// revoked, whose API is gone, or that is a root key gets its mark without an entry: nothing to announce,
// and it leaves the pending set.
import { keyAuditView } from "../audit/audit-views.js";
import type { KeyRecord } from "../core/index.js";
import { recordSystemChange, type Change } from "../services/audit-trail.js";
import type { ServiceContext } from "../services/context.js";
import type { DueKey, EndedGrace, RotationDueKey, Store } from "../storage/port.js";

async function announce(
  ctx: ServiceContext,
  store: Store,
  workspaceId: string,
  keyId: string,
  mark: () => Promise<boolean>,
  change: (key: KeyRecord) => Omit<Change, "targetId">,
): Promise<boolean> {
  if (!(await mark())) return false;
  const key = await store.keys.get(workspaceId, keyId);
  const api = key ? await store.apis.get(workspaceId, key.apiId) : null;
  if (!key || !api || api.kind !== "customer" || key.revokedAt) return false;
  await recordSystemChange(ctx, store, { workspaceId }, { ...change(key), targetId: keyId });
  return true;
}

/** `key.expiring` for a key whose expiresAt is within its API's lead time. */
export function announceExpiring(ctx: ServiceContext, due: DueKey): Promise<boolean> {
  return ctx.store.transaction((store) =>
    announce(ctx, store, due.workspaceId, due.keyId, () => store.lifecycle.markExpiring(due.keyId, due.dueAt), (key) => ({
      action: "key.expiring",
      after: { ...keyAuditView(key), dueAt: due.dueAt.toISOString(), reason: "expiry" },
    })),
  );
}

/** `key.expiring` for a key due for rotation within its API's lead time (once per secret). */
export function announceRotationDue(ctx: ServiceContext, due: RotationDueKey): Promise<boolean> {
  return ctx.store.transaction((store) =>
    announce(ctx, store, due.workspaceId, due.keyId, () => store.lifecycle.markRotationDue(due.keyId, due.rotatedAt, due.dueAt), (key) => ({
      action: "key.expiring",
      after: { ...keyAuditView(key), dueAt: due.dueAt.toISOString(), reason: "rotation" },
    })),
  );
}

/** `key.expire` once a key's expiresAt has passed. */
export function announceExpired(ctx: ServiceContext, due: DueKey): Promise<boolean> {
  return ctx.store.transaction((store) =>
    announce(ctx, store, due.workspaceId, due.keyId, () => store.lifecycle.markExpired(due.keyId, due.dueAt), (key) => ({
      action: "key.expire",
      after: keyAuditView(key),
    })),
  );
}

/**
 * `key.grace_end` once a retired secret's grace has ended. Takes the store of an open transaction, so a
 * rotation can announce the graces it is about to drop.
 */
export function announceGraceEnd(ctx: ServiceContext, store: Store, grace: EndedGrace, now: Date): Promise<boolean> {
  return announce(ctx, store, grace.workspaceId, grace.keyId, () => store.lifecycle.markGraceEnded(grace.keyId, grace.graceEndsAt, now), (key) => ({
    action: "key.grace_end",
    after: { ...keyAuditView(key), previousValidUntil: grace.graceEndsAt.toISOString() },
  }));
}
