// Import of existing keys (issue 5): an API remembers that it holds keys from another system (only such
// an API has keys that are not in Keyward's format), and an imported key remembers when it came in.
// Frozen once released, like 0001: it takes `Kysely<any>` rather than today's table types.
import { sql, type Kysely, type Migration } from "kysely";
import type { ColumnTypes } from "../dialect-profile.js";

export function keyImportMigration(types: ColumnTypes): Migration {
  return {
    async up(db: Kysely<any>) {
      // SQL's `false` is 0 in SQLite and a boolean in PostgreSQL: each dialect stores its own form.
      await db.schema.alterTable("apis").addColumn("holds_imported_keys", types.bool, (c) => c.notNull().defaultTo(sql`false`)).execute();
      await db.schema.alterTable("keys").addColumn("imported_at", types.time).execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.alterTable("keys").dropColumn("imported_at").execute();
      await db.schema.alterTable("apis").dropColumn("holds_imported_keys").execute();
    },
  };
}
