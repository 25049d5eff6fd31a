// Keys: create, read, list, update, revoke. Verification reads and usage write-behind are beside it
// (key-verification.ts, key-usage.ts) because they serve the hot path, not the management API.
import type { KeyRecord } from "../../core/index.js";
import { StoreConflictError, type KeyPatch, type KeyStore, type NewKey } from "../port.js";
import type { StoreContext } from "./context.js";
import { atomic, rethrowConflict } from "./context.js";
import { dueBy, rotationPeriodsOf } from "./key-due.js";
import { getKeyById, getLiveKey, liveKeys, toKeys } from "./key-queries.js";
import { replaceKeyRoles } from "./key-roles.js";
import { newKeyRow } from "./key-rows.js";
import { findForVerification } from "./key-verification.js";
import { containLeak, endGrace } from "./key-leaks.js";
import { findHashOwners, importKeys } from "./key-import.js";
import { recordUsage } from "./key-usage.js";
import { fetchSize, toPage } from "./paging.js";
import { registerPermissions } from "./permission-repository.js";

export function createKeyRepository(ctx: StoreContext): KeyStore {
  return {
    create: (key) => atomic(ctx, (tx) => createKey(tx, key)),

    get: (workspaceId, keyId) => getLiveKey(ctx, workspaceId, keyId),

    async list(workspaceId, filter, page) {
      let query = liveKeys(ctx, workspaceId);
      if (filter.apiId !== undefined) query = query.where("keys.api_id", "=", filter.apiId);
      if (filter.identityId !== undefined) query = query.where("keys.identity_id", "=", filter.identityId);
      if (filter.kind !== undefined) query = query.where("apis.kind", "=", filter.kind);
      if (filter.dueBy !== undefined) {
        const due = filter.dueBy;
        const periods = await rotationPeriodsOf(ctx, workspaceId);
        query = query.where((eb) => dueBy(ctx, eb, due, periods));
      }
      if (page.after !== undefined) query = query.where("keys.id", ">", page.after);
      const rows = await query.orderBy("keys.id").limit(fetchSize(page)).execute();
      return toPage(await toKeys(ctx, workspaceId, rows), page);
    },

    update: (workspaceId, keyId, patch, now) => atomic(ctx, (tx) => updateKey(tx, workspaceId, keyId, patch, now)),

    async revoke(workspaceId, keyId, reason, now) {
      const at = ctx.profile.time.encode(now);
      // `revoked_at is null` keeps the first revocation: its time and reason are what the audit trail saw.
      await ctx.db
        .updateTable("keys")
        .set({ revoked_at: at, revoked_reason: reason, updated_at: at })
        .where("workspace_id", "=", workspaceId)
        .where("id", "=", keyId)
        .where("revoked_at", "is", null)
        .where((eb) => eb.exists(eb.selectFrom("apis").select("apis.id").whereRef("apis.id", "=", "keys.api_id").where("apis.deleted_at", "is", null)))
        .execute();
      return getLiveKey(ctx, workspaceId, keyId);
    },

    findForVerification: (hash) => findForVerification(ctx, hash),

    rotate: (workspaceId, keyId, next, graceEndsAt, now) => atomic(ctx, (tx) => rotateKey(tx, workspaceId, keyId, next, graceEndsAt, now)),

    containLeak: (workspaceId, keyId, containment, reason, now) => containLeak(ctx, workspaceId, keyId, containment, reason, now),

    endGrace: (workspaceId, retiredHash, now) => endGrace(ctx, workspaceId, retiredHash, now),

    recordUsage: (usage) => recordUsage(ctx, usage),

    importMany: (keys) => importKeys(ctx, keys),

    findHashOwners: (hashes) => findHashOwners(ctx, hashes),
  };
}

async function createKey(tx: StoreContext, key: NewKey): Promise<KeyRecord> {
  try {
    await tx.db
      .insertInto("keys")
      .values(newKeyRow(tx.profile, key))
      .execute();
  } catch (error) {
    // Ids are random; the constraint a caller can actually hit is a second key with the same secret.
    rethrowConflict(tx, error, () => new StoreConflictError("hash"));
  }
  await replaceKeyRoles(tx, key.workspaceId, key.id, key.roleIds);
  await registerPermissions(tx, key.workspaceId, key.permissions, key.now);
  const created = await getKeyById(tx, key.id);
  if (!created) throw new Error(`key ${key.id} vanished after insert`);
  return created;
}

async function updateKey(tx: StoreContext, workspaceId: string, keyId: string, patch: KeyPatch, now: Date): Promise<KeyRecord | null> {
  const { profile } = tx;
  const existing = await getLiveKey(tx, workspaceId, keyId);
  if (!existing) return null;
  // A new expiry is a new due date: the lifecycle sweeper announces it afresh (key.expiring, key.expire).
  const expiryChanged = patch.expiresAt !== undefined && patch.expiresAt?.getTime() !== existing.expiresAt?.getTime();
  await tx.db
    .updateTable("keys")
    .set({
      ...(patch.name !== undefined && { name: patch.name }),
      ...(patch.identityId !== undefined && { identity_id: patch.identityId }),
      ...(patch.permissions !== undefined && { permissions: profile.json.encode(patch.permissions) }),
      ...(patch.enabled !== undefined && { enabled: profile.bool.encode(patch.enabled) }),
      ...(patch.expiresAt !== undefined && {
        expires_at: patch.expiresAt === null ? null : profile.time.encode(patch.expiresAt),
      }),
      ...(expiryChanged && { expiring_announced_for: null, expired_announced_for: null }),
      ...(patch.restrictions !== undefined && { restrictions: profile.json.encode(patch.restrictions) }),
      ...(patch.meta !== undefined && { meta: profile.json.encode(patch.meta) }),
      ...(patch.ratelimits !== undefined && { ratelimits: profile.json.encode(patch.ratelimits) }),
      updated_at: profile.time.encode(now),
    })
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", keyId)
    .execute();
  if (patch.roleIds !== undefined) await replaceKeyRoles(tx, workspaceId, keyId, patch.roleIds);
  if (patch.permissions !== undefined) await registerPermissions(tx, workspaceId, patch.permissions, now);
  return getLiveKey(tx, workspaceId, keyId);
}

/**
 * Gives the key a new secret. The old one's hash is kept as retired until `graceEndsAt`; secrets retired
 * by earlier rotations keep their own grace end, never a later one, and go once it has passed.
 */
async function rotateKey(
  ctx: StoreContext,
  workspaceId: string,
  keyId: string,
  next: { hash: string; start: string },
  graceEndsAt: Date,
  now: Date,
): Promise<KeyRecord | null> {
  const key = await getLiveKey(ctx, workspaceId, keyId);
  if (!key || key.revokedAt) return null;
  const { db, profile } = ctx;
  // Kept even with no grace, so the old secret is answered EXPIRED rather than unknown.
  {
    await db.insertInto("retired_key_hashes").values({ hash: key.hash, key_id: key.id, workspace_id: workspaceId, grace_ends_at: profile.time.encode(graceEndsAt) }).execute();
  }
  // Retired secrets whose grace is over are of no use to anyone: they go now.
  await db.deleteFrom("retired_key_hashes").where("key_id", "=", key.id).where("grace_ends_at", "<", profile.time.encode(now)).execute();
  await db
    .updateTable("keys")
    // A new secret is due for rotation a period from now, and announced as such afresh.
    .set({ hash: next.hash, start: next.start, updated_at: profile.time.encode(now), rotated_at: profile.time.encode(now), rotation_announced_for: null })
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", keyId)
    .execute()
    .catch((error: unknown) => rethrowConflict(ctx, error, () => new StoreConflictError("hash")));
  return getLiveKey(ctx, workspaceId, keyId);
}
