// The first schema: workspaces, APIs, keys and their roles, identities, roles, permission catalogue.
// Migrations are frozen once released, so they take `Kysely<any>` rather than today's table types.
import { sql, type Kysely, type Migration } from "kysely";
import type { ColumnTypes } from "../dialect-profile.js";

export function initialMigration(types: ColumnTypes): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable("workspaces")
        .addColumn("id", types.id, (c) => c.primaryKey())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("created_at", types.time, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("apis")
        .addColumn("id", types.id, (c) => c.primaryKey())
        .addColumn("workspace_id", types.id, (c) => c.notNull().references("workspaces.id"))
        .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('customer', 'root')`))
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("prefix", "text", (c) => c.notNull())
        .addColumn("defaults", types.json, (c) => c.notNull())
        .addColumn("created_at", types.time, (c) => c.notNull())
        .addColumn("updated_at", types.time, (c) => c.notNull())
        .addColumn("deleted_at", types.time)
        .execute();
      await db.schema.createIndex("apis_workspace_kind_id").on("apis").columns(["workspace_id", "kind", "id"]).execute();

      await db.schema
        .createTable("identities")
        .addColumn("id", types.id, (c) => c.primaryKey())
        .addColumn("workspace_id", types.id, (c) => c.notNull().references("workspaces.id"))
        .addColumn("external_id", "text", (c) => c.notNull())
        .addColumn("meta", types.json, (c) => c.notNull())
        .addColumn("created_at", types.time, (c) => c.notNull())
        .addColumn("updated_at", types.time, (c) => c.notNull())
        .addUniqueConstraint("identities_workspace_external_id", ["workspace_id", "external_id"])
        .execute();
      await db.schema.createIndex("identities_workspace_id").on("identities").columns(["workspace_id", "id"]).execute();

      await db.schema
        .createTable("roles")
        .addColumn("id", types.id, (c) => c.primaryKey())
        .addColumn("workspace_id", types.id, (c) => c.notNull().references("workspaces.id"))
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("description", "text")
        .addColumn("permissions", types.json, (c) => c.notNull())
        .addColumn("created_at", types.time, (c) => c.notNull())
        .addColumn("updated_at", types.time, (c) => c.notNull())
        .addUniqueConstraint("roles_workspace_name", ["workspace_id", "name"])
        .execute();
      await db.schema.createIndex("roles_workspace_id").on("roles").columns(["workspace_id", "id"]).execute();

      await createKeyTables(db, types);

      await db.schema
        .createTable("permissions")
        .addColumn("workspace_id", types.id, (c) => c.notNull().references("workspaces.id"))
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("created_at", types.time, (c) => c.notNull())
        .addPrimaryKeyConstraint("permissions_pk", ["workspace_id", "name"])
        .execute();
    },
  };
}

async function createKeyTables(db: Kysely<any>, types: ColumnTypes): Promise<void> {
  await db.schema
    .createTable("keys")
    .addColumn("id", types.id, (c) => c.primaryKey())
    .addColumn("workspace_id", types.id, (c) => c.notNull().references("workspaces.id"))
    .addColumn("api_id", types.id, (c) => c.notNull().references("apis.id"))
    // UNIQUE gives the verification lookup by hash its index.
    .addColumn("hash", "text", (c) => c.notNull().unique())
    .addColumn("start", "text", (c) => c.notNull())
    .addColumn("environment", "text", (c) => c.notNull().check(sql`environment in ('live', 'test')`))
    .addColumn("name", "text")
    .addColumn("identity_id", types.id, (c) => c.references("identities.id").onDelete("set null"))
    .addColumn("permissions", types.json, (c) => c.notNull())
    .addColumn("enabled", types.bool, (c) => c.notNull())
    .addColumn("expires_at", types.time)
    .addColumn("restrictions", types.json, (c) => c.notNull())
    .addColumn("meta", types.json, (c) => c.notNull())
    .addColumn("created_at", types.time, (c) => c.notNull())
    .addColumn("updated_at", types.time, (c) => c.notNull())
    .addColumn("last_used_at", types.time)
    .addColumn("verification_count", types.count, (c) => c.notNull().defaultTo(0))
    .addColumn("revoked_at", types.time)
    .addColumn("revoked_reason", "text")
    .execute();
  await db.schema.createIndex("keys_workspace_id").on("keys").columns(["workspace_id", "id"]).execute();
  await db.schema.createIndex("keys_workspace_api_id").on("keys").columns(["workspace_id", "api_id", "id"]).execute();
  await db.schema
    .createIndex("keys_workspace_identity_id")
    .on("keys")
    .columns(["workspace_id", "identity_id", "id"])
    .execute();

  await db.schema
    .createTable("key_roles")
    .addColumn("key_id", types.id, (c) => c.notNull().references("keys.id").onDelete("cascade"))
    .addColumn("role_id", types.id, (c) => c.notNull().references("roles.id").onDelete("cascade"))
    .addPrimaryKeyConstraint("key_roles_pk", ["key_id", "role_id"])
    .execute();
  // Deleting a role cascades through this index instead of scanning every key's roles.
  await db.schema.createIndex("key_roles_role").on("key_roles").column("role_id").execute();
}
