// The audit log: hash-chained entries per workspace, the chain head (the lock appends queue on), and
// signed checkpoints. Frozen once released, like 0001: it takes `Kysely<any>` rather than today's table types.
import type { Kysely, Migration } from "kysely";
import type { ColumnTypes } from "../dialect-profile.js";

export function auditLogMigration(types: ColumnTypes): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable("audit_log")
        .addColumn("workspace_id", types.id, (c) => c.notNull().references("workspaces.id"))
        .addColumn("seq", types.count, (c) => c.notNull())
        .addColumn("id", types.id, (c) => c.notNull().unique())
        .addColumn("occurred_at", types.time, (c) => c.notNull())
        .addColumn("actor_type", "text", (c) => c.notNull())
        .addColumn("actor_id", types.id)
        .addColumn("action", "text", (c) => c.notNull())
        .addColumn("target_type", "text", (c) => c.notNull())
        .addColumn("target_id", "text", (c) => c.notNull())
        // Text, not the dialect's JSON type: jsonb would reorder keys and rewrite numbers, and the chain
        // commits to the exact canonical bytes.
        .addColumn("before_view", "text")
        .addColumn("after_view", "text")
        .addColumn("request_id", "text")
        .addColumn("source_ip", "text")
        .addColumn("user_agent", "text")
        .addColumn("prev_hash", "text", (c) => c.notNull())
        .addColumn("hash", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("audit_log_pk", ["workspace_id", "seq"])
        .execute();
      // The filters of GET /v1/audit, each in seq order.
      await db.schema.createIndex("audit_log_target").on("audit_log").columns(["workspace_id", "target_id", "seq"]).execute();
      await db.schema.createIndex("audit_log_actor").on("audit_log").columns(["workspace_id", "actor_id", "seq"]).execute();
      await db.schema.createIndex("audit_log_action").on("audit_log").columns(["workspace_id", "action", "seq"]).execute();

      await db.schema
        .createTable("audit_heads")
        .addColumn("workspace_id", types.id, (c) => c.primaryKey().references("workspaces.id"))
        .addColumn("seq", types.count, (c) => c.notNull())
        .addColumn("hash", "text", (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("audit_checkpoints")
        .addColumn("workspace_id", types.id, (c) => c.notNull().references("workspaces.id"))
        .addColumn("seq", types.count, (c) => c.notNull())
        .addColumn("hash", "text", (c) => c.notNull())
        .addColumn("at", types.time, (c) => c.notNull())
        .addColumn("key_id", "text", (c) => c.notNull())
        .addColumn("signature", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("audit_checkpoints_pk", ["workspace_id", "seq"])
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable("audit_checkpoints").execute();
      await db.schema.dropTable("audit_heads").execute();
      await db.schema.dropTable("audit_log").execute();
    },
  };
}
