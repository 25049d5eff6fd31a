// Webhooks: endpoints with their signing secrets, the delivery outbox (written in the transaction of
// the change it announces) and the log of every attempt. Frozen once released.
import { sql, type Kysely, type Migration } from "kysely";
import type { ColumnTypes } from "../dialect-profile.js";

export function webhooksMigration(types: ColumnTypes): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable("webhook_endpoints")
        .addColumn("id", types.id, (c) => c.primaryKey())
        .addColumn("workspace_id", types.id, (c) => c.notNull().references("workspaces.id"))
        .addColumn("url", "text", (c) => c.notNull())
        .addColumn("events", types.json, (c) => c.notNull())
        .addColumn("enabled", types.bool, (c) => c.notNull())
        .addColumn("disabled_reason", "text")
        // The plaintext signing secret: signing needs it (unlike API keys, which are verified by hash).
        .addColumn("secret", "text", (c) => c.notNull())
        .addColumn("previous_secret", "text")
        .addColumn("previous_secret_expires_at", types.time)
        .addColumn("created_at", types.time, (c) => c.notNull())
        .addColumn("updated_at", types.time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("webhook_endpoints_workspace_id").on("webhook_endpoints").columns(["workspace_id", "id"]).execute();

      await db.schema
        .createTable("webhook_deliveries")
        // The message id (`msg_…`): the `webhook-id` header, the same on every attempt.
        .addColumn("id", types.id, (c) => c.primaryKey())
        .addColumn("workspace_id", types.id, (c) => c.notNull().references("workspaces.id"))
        .addColumn("endpoint_id", types.id, (c) => c.notNull().references("webhook_endpoints.id").onDelete("cascade"))
        .addColumn("event_type", "text", (c) => c.notNull())
        // Text, not JSON: the signature covers these exact bytes on every attempt.
        .addColumn("payload", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('pending', 'delivered', 'failed')`))
        .addColumn("attempts", "integer", (c) => c.notNull())
        .addColumn("next_attempt_at", types.time)
        .addColumn("claimed_until", types.time)
        .addColumn("claim_token", "text")
        .addColumn("last_status_code", "integer")
        .addColumn("last_error", "text")
        .addColumn("created_at", types.time, (c) => c.notNull())
        .addColumn("delivered_at", types.time)
        .execute();
      // The worker's poll: due pending deliveries, oldest first.
      await db.schema.createIndex("webhook_deliveries_due").on("webhook_deliveries").columns(["status", "next_attempt_at"]).execute();
      await db.schema.createIndex("webhook_deliveries_endpoint_id").on("webhook_deliveries").columns(["endpoint_id", "id"]).execute();

      await db.schema
        .createTable("webhook_attempts")
        .addColumn("delivery_id", types.id, (c) => c.notNull().references("webhook_deliveries.id").onDelete("cascade"))
        .addColumn("attempt", "integer", (c) => c.notNull())
        .addColumn("at", types.time, (c) => c.notNull())
        .addColumn("status_code", "integer")
        .addColumn("error", "text")
        .addColumn("duration_ms", "integer", (c) => c.notNull())
        .addPrimaryKeyConstraint("webhook_attempts_pk", ["delivery_id", "attempt"])
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable("webhook_attempts").execute();
      await db.schema.dropTable("webhook_deliveries").execute();
      await db.schema.dropTable("webhook_endpoints").execute();
    },
  };
}
