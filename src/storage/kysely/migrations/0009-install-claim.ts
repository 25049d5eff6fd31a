// The install's one-time bootstrap claim: a single row (id = 1). Two nodes starting at the same moment
// on an empty PostgreSQL database both saw "no workspace yet" and both created a default workspace;
// now each first inserts this row, the primary key makes the second wait for the first to commit and
// then insert nothing, and only the one that inserted it bootstraps. An install that exists already
// (it has workspaces) is marked claimed here. Frozen once released.
import type { Kysely, Migration } from "kysely";
import type { ColumnTypes } from "../dialect-profile.js";

export function installClaimMigration(types: ColumnTypes): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable("install_claim")
        .addColumn("id", "integer", (c) => c.primaryKey())
        .addColumn("claimed_at", types.time, (c) => c.notNull())
        .execute();
      const existing = await db.selectFrom("workspaces").select("created_at").orderBy("created_at").limit(1).executeTakeFirst();
      if (existing) await db.insertInto("install_claim").values({ id: 1, claimed_at: existing.created_at }).execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable("install_claim").execute();
    },
  };
}
