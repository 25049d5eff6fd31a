// The lifecycle sweeper's reads and marks (lifecycle-port.ts). Every read is bounded by `limit` and
// served by an index of 0007; every mark is one conditional UPDATE, so racing nodes cannot both set it.
import type { LifecycleStore } from "../lifecycle-port.js";
import type { StoreContext } from "./context.js";
import { touched } from "./context.js";
import { expiresWithin, notExpired } from "./key-due.js";
import { toApi } from "./row-mappers.js";

export function createLifecycleRepository(ctx: StoreContext): LifecycleStore {
  const { db, profile } = ctx;
  const time = profile.time;

  /** Keys of a live API that are not revoked. */
  const liveKeysOf = (apiId: string) =>
    db
      .selectFrom("keys")
      .innerJoin("apis", "apis.id", "keys.api_id")
      .where("keys.api_id", "=", apiId)
      .where("apis.deleted_at", "is", null)
      .where("keys.revoked_at", "is", null);

  return {
    async apisWithPolicy(after, limit) {
      let query = db.selectFrom("apis").selectAll().where("kind", "=", "customer").where("deleted_at", "is", null).where("policy", "is not", null);
      if (after !== null) query = query.where("id", ">", after);
      const rows = await query.orderBy("id").limit(limit).execute();
      return rows.map((row) => toApi(profile, row));
    },

    async expiringKeys(apiId, now, until, limit) {
      const rows = await liveKeysOf(apiId)
        .select(["keys.id", "keys.workspace_id", "keys.expires_at"])
        .where("keys.expiring_announced_for", "is", null)
        .where((eb) => expiresWithin(ctx, eb, now, until))
        .orderBy("keys.expires_at")
        .limit(limit)
        .execute();
      return rows.map((row) => ({ keyId: row.id, workspaceId: row.workspace_id, dueAt: time.decode(row.expires_at!) }));
    },

    async rotationDueKeys(apiId, rotationPeriodSeconds, now, until, limit) {
      const issuedBy = time.encode(new Date(until.getTime() - rotationPeriodSeconds * 1000));
      // Revoked keys too: the sweeper marks them without an announcement, so they leave this range for good.
      const pending = () =>
        db
          .selectFrom("keys")
          .where("keys.api_id", "=", apiId)
          .select(["keys.id", "keys.workspace_id", "keys.rotated_at", "keys.created_at"])
          .where("keys.rotation_announced_for", "is", null)
          .where((eb) => notExpired(ctx, eb, now));
      // Never rotated (due from creation), then rotated: one query each, so each walks keys_rotation_pending
      // by range instead of every pending key of the API.
      const rows = await pending().where("keys.rotated_at", "is", null).where("keys.created_at", "<=", issuedBy).limit(limit).execute();
      if (rows.length < limit) rows.push(...(await pending().where("keys.rotated_at", "<=", issuedBy).limit(limit - rows.length).execute()));
      return rows.map((row) => {
        const rotatedAt = row.rotated_at === null ? null : time.decode(row.rotated_at);
        const issuedAt = rotatedAt ?? time.decode(row.created_at);
        return { keyId: row.id, workspaceId: row.workspace_id, rotatedAt, dueAt: new Date(issuedAt.getTime() + rotationPeriodSeconds * 1000) };
      });
    },

    async expiredKeys(now, limit) {
      const rows = await db
        .selectFrom("keys")
        .select(["id", "workspace_id", "expires_at"])
        .where("expired_announced_for", "is", null)
        .where("expires_at", "<=", time.encode(now))
        .orderBy("expires_at")
        .limit(limit)
        .execute();
      return rows.map((row) => ({ keyId: row.id, workspaceId: row.workspace_id, dueAt: time.decode(row.expires_at!) }));
    },

    async endedGraces(now, limit, keyId) {
      let query = db
        .selectFrom("retired_key_hashes")
        .select(["key_id", "workspace_id", "grace_ends_at"])
        .where("grace_end_announced_at", "is", null)
        .where("grace_ends_at", "<=", time.encode(now));
      if (keyId !== undefined) query = query.where("key_id", "=", keyId);
      const rows = await query
        .orderBy("grace_ends_at")
        .limit(limit)
        .execute();
      // Two secrets of one key retired until the same instant are one announcement.
      const seen = new Set<string>();
      return rows
        .map((row) => ({ keyId: row.key_id, workspaceId: row.workspace_id, graceEndsAt: time.decode(row.grace_ends_at) }))
        .filter((grace) => {
          const id = `${grace.keyId}/${grace.graceEndsAt.getTime()}`;
          return seen.has(id) ? false : (seen.add(id), true);
        });
    },

    async markExpiring(keyId, expiresAt) {
      const at = time.encode(expiresAt);
      const result = await db
        .updateTable("keys")
        .set({ expiring_announced_for: at })
        .where("id", "=", keyId)
        .where("expires_at", "=", at)
        .where("expiring_announced_for", "is", null)
        .executeTakeFirst();
      return touched(result);
    },

    async markRotationDue(keyId, rotatedAt, dueAt) {
      const result = await db
        .updateTable("keys")
        .set({ rotation_announced_for: time.encode(dueAt) })
        .where("id", "=", keyId)
        .where("rotation_announced_for", "is", null)
        // Still the secret the notice is about: a rotation in between makes a new due date.
        .where("rotated_at", rotatedAt === null ? "is" : "=", rotatedAt === null ? null : time.encode(rotatedAt))
        .executeTakeFirst();
      return touched(result);
    },

    async markExpired(keyId, expiresAt) {
      const at = time.encode(expiresAt);
      const result = await db
        .updateTable("keys")
        .set({ expired_announced_for: at })
        .where("id", "=", keyId)
        .where("expires_at", "=", at)
        .where("expired_announced_for", "is", null)
        .executeTakeFirst();
      return touched(result);
    },

    async markGraceEnded(keyId, graceEndsAt, now) {
      const result = await db
        .updateTable("retired_key_hashes")
        .set({ grace_end_announced_at: time.encode(now) })
        .where("key_id", "=", keyId)
        .where("grace_ends_at", "=", time.encode(graceEndsAt))
        .where("grace_end_announced_at", "is", null)
        .executeTakeFirst();
      return touched(result);
    },
  };
}
