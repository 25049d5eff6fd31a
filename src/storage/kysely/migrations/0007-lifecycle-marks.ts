// Lifecycle announcements (issue 5): when a key's secret was last rotated, and the marks that make each
// announcement happen once however many nodes sweep: the due date a `key.expiring` was recorded for
// (expiry and rotation separately), the expiry a `key.expire` was recorded for, and when a retired
// secret's `key.grace_end` was recorded. Frozen once released, like 0001.
import { sql, type Kysely, type Migration } from "kysely";
import type { DialectProfile } from "../dialect-profile.js";

export function lifecycleMarksMigration(profile: Pick<DialectProfile, "columnTypes" | "time">): Migration {
  const types = profile.columnTypes;
  return {
    async up(db: Kysely<any>) {
      for (const column of ["rotated_at", "expiring_announced_for", "rotation_announced_for", "expired_announced_for"]) {
        await db.schema.alterTable("keys").addColumn(column, types.time).execute();
      }
      await db.schema.alterTable("retired_key_hashes").addColumn("grace_end_announced_at", types.time).execute();
      // What ended before this upgrade is history, not news: no announcement floods the first sweep.
      const upgradedAt = profile.time.encode(new Date());
      await db.updateTable("keys").set({ expired_announced_for: sql.ref("expires_at") }).where("expires_at", "<=", upgradedAt).execute();
      await db.updateTable("retired_key_hashes").set({ grace_end_announced_at: upgradedAt }).where("grace_ends_at", "<=", upgradedAt).execute();
      // Keys of an API expiring soon; expiries and graces not yet announced; rotations not yet announced.
      await db.schema.createIndex("keys_api_expires").on("keys").columns(["api_id", "expires_at"]).execute();
      await db.schema.createIndex("keys_expire_pending").on("keys").columns(["expired_announced_for", "expires_at"]).execute();
      await db.schema.createIndex("keys_rotation_pending").on("keys").columns(["api_id", "rotation_announced_for", "rotated_at", "created_at"]).execute();
      await db.schema
        .createIndex("retired_key_hashes_grace_pending")
        .on("retired_key_hashes")
        .columns(["grace_end_announced_at", "grace_ends_at"])
        .execute();
    },
    async down(db: Kysely<any>) {
      for (const index of ["keys_api_expires", "keys_expire_pending", "keys_rotation_pending", "retired_key_hashes_grace_pending"]) {
        await db.schema.dropIndex(index).execute();
      }
      await db.schema.alterTable("retired_key_hashes").dropColumn("grace_end_announced_at").execute();
      for (const column of ["rotated_at", "expiring_announced_for", "rotation_announced_for", "expired_announced_for"]) {
        await db.schema.alterTable("keys").dropColumn(column).execute();
      }
    },
  };
}
