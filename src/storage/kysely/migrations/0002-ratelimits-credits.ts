// Rate limits and credits: named limits on keys and identities, credit balances, standalone-limiter overrides.
// Frozen once released, like 0001: it takes `Kysely<any>` rather than today's table types.
import type { Kysely, Migration } from "kysely";
import type { ColumnTypes } from "../dialect-profile.js";

export function rateLimitsAndCreditsMigration(types: ColumnTypes): Migration {
  return {
    async up(db: Kysely<any>) {
      // A default, so rows written before this migration read back as "no limits".
      await db.schema.alterTable("keys").addColumn("ratelimits", types.json, (c) => c.notNull().defaultTo("[]")).execute();
      await db.schema.alterTable("identities").addColumn("ratelimits", types.json, (c) => c.notNull().defaultTo("[]")).execute();

      // owner_id is a key id or an identity id: no foreign key can point at both tables, so deleting an
      // identity removes its row in code (identity-repository.ts). Keys are revoked, never deleted.
      await db.schema
        .createTable("credits")
        .addColumn("owner_id", types.id, (c) => c.primaryKey())
        .addColumn("workspace_id", types.id, (c) => c.notNull().references("workspaces.id"))
        // 64-bit: balances may exceed 2^31.
        .addColumn("remaining", types.count, (c) => c.notNull())
        .addColumn("refill", types.json)
        .addColumn("refilled_at", types.time)
        .addColumn("low_threshold", types.count)
        .addColumn("low_at", types.time)
        .addColumn("updated_at", types.time, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("ratelimit_overrides")
        .addColumn("workspace_id", types.id, (c) => c.notNull().references("workspaces.id"))
        .addColumn("namespace", "text", (c) => c.notNull())
        // Listed by identifier with `identifier > after`: it needs the ids' bytewise collation, or a
        // linguistic ORDER BY would disagree with the comparison and skip or repeat rows across pages.
        .addColumn("identifier", types.id, (c) => c.notNull())
        .addColumn("limit", types.count, (c) => c.notNull())
        .addColumn("duration_ms", types.count, (c) => c.notNull())
        .addColumn("created_at", types.time, (c) => c.notNull())
        .addColumn("updated_at", types.time, (c) => c.notNull())
        .addPrimaryKeyConstraint("ratelimit_overrides_pk", ["workspace_id", "namespace", "identifier"])
        .execute();
    },
  };
}
