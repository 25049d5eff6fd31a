// Per-API lifecycle policy (maximum lifetime, rotation period, expiring-soon lead time, leak action).
// Nullable: existing APIs read as {} (no constraints). Frozen once released.
import type { Kysely, Migration } from "kysely";
import type { ColumnTypes } from "../dialect-profile.js";

export function apiPolicyMigration(types: ColumnTypes): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable("apis").addColumn("policy", types.json).execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.alterTable("apis").dropColumn("policy").execute();
    },
  };
}
