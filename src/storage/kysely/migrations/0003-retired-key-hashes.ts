// Rotation with a grace period: the hashes of secrets a rotation retired, each valid until its own end.
// Frozen once released, like 0001: it takes `Kysely<any>` rather than today's table types.
import type { Kysely, Migration } from "kysely";
import type { ColumnTypes } from "../dialect-profile.js";

export function retiredKeyHashesMigration(types: ColumnTypes): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable("retired_key_hashes")
        .addColumn("hash", "text", (c) => c.primaryKey())
        .addColumn("key_id", types.id, (c) => c.notNull().references("keys.id"))
        .addColumn("workspace_id", types.id, (c) => c.notNull().references("workspaces.id"))
        .addColumn("grace_ends_at", types.time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("retired_key_hashes_key").on("retired_key_hashes").columns(["key_id"]).execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable("retired_key_hashes").execute();
    },
  };
}
