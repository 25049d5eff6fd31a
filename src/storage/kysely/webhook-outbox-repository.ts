// The webhook outbox: deliveries written with the change they announce, leased by workers with a
// conditional UPDATE (several nodes never send the same attempt at once), and their attempt log.
import type { ExpressionBuilder } from "kysely";
import type { WebhookStore } from "../webhooks-port.js";
import type { StoreContext } from "./context.js";
import { atomic, touched } from "./context.js";
import { fetchSize, toPage } from "./paging.js";
import type { Database, TimeValue } from "./schema.js";
import { toWebhookAttempt, toWebhookDelivery } from "./webhook-rows.js";

type OutboxMethods = Pick<WebhookStore, "enqueue" | "getDelivery" | "listDeliveries" | "claimDue" | "recordAttempt" | "requeueDelivery" | "release">;

/** The lease is free: never taken, or expired (its holder died or gave up). */
const leaseFree = (at: TimeValue) => (eb: ExpressionBuilder<Database, "webhook_deliveries">) =>
  eb.or([eb("claimed_until", "is", null), eb("claimed_until", "<=", at)]);

export function createWebhookOutboxRepository(ctx: StoreContext): OutboxMethods {
  const { profile } = ctx;

  async function withAttempts(c: StoreContext, rows: Parameters<typeof toWebhookDelivery>[1][]) {
    if (rows.length === 0) return [];
    const attempts = await c.db
      .selectFrom("webhook_attempts")
      .selectAll()
      .where(
        "delivery_id",
        "in",
        rows.map((row) => row.id),
      )
      .orderBy("delivery_id")
      .orderBy("attempt")
      .execute();
    return rows.map((row) => ({
      ...toWebhookDelivery(profile, row),
      attemptLog: attempts.filter((attempt) => attempt.delivery_id === row.id).map((attempt) => toWebhookAttempt(profile, attempt)),
    }));
  }

  return {
    async enqueue(deliveries) {
      if (deliveries.length === 0) return;
      await ctx.db
        .insertInto("webhook_deliveries")
        .values(
          deliveries.map((delivery) => ({
            id: delivery.id,
            workspace_id: delivery.workspaceId,
            endpoint_id: delivery.endpointId,
            event_type: delivery.eventType,
            payload: delivery.payload,
            status: "pending",
            attempts: 0,
            next_attempt_at: profile.time.encode(delivery.now),
            claimed_until: null,
            claim_token: null,
            last_status_code: null,
            last_error: null,
            created_at: profile.time.encode(delivery.now),
            delivered_at: null,
          })),
        )
        .execute();
    },

    async getDelivery(workspaceId, deliveryId) {
      const row = await ctx.db.selectFrom("webhook_deliveries").selectAll().where("workspace_id", "=", workspaceId).where("id", "=", deliveryId).executeTakeFirst();
      return row ? ((await withAttempts(ctx, [row]))[0] ?? null) : null;
    },

    async requeueDelivery(workspaceId, endpointId, deliveryId, now) {
      const result = await ctx.db
        .updateTable("webhook_deliveries")
        .set({ status: "pending", next_attempt_at: profile.time.encode(now), claimed_until: null, claim_token: null })
        .where("workspace_id", "=", workspaceId)
        .where("endpoint_id", "=", endpointId)
        .where("id", "=", deliveryId)
        .where("status", "=", "failed")
        .executeTakeFirst();
      return touched(result);
    },

    async listDeliveries(workspaceId, endpointId, page) {
      let query = ctx.db.selectFrom("webhook_deliveries").selectAll().where("workspace_id", "=", workspaceId).where("endpoint_id", "=", endpointId);
      if (page.after !== undefined) query = query.where("id", ">", page.after);
      const rows = await query.orderBy("id").limit(fetchSize(page)).execute();
      return toPage(await withAttempts(ctx, rows), page);
    },

    async claimDue(now, leaseUntil, limit, token) {
      const at = profile.time.encode(now);
      const due = ctx.db
        .selectFrom("webhook_deliveries")
        .select("id")
        .where("status", "=", "pending")
        .where("next_attempt_at", "<=", at)
        .where(leaseFree(at))
        .orderBy("next_attempt_at")
        .limit(limit);
      // The conditions are repeated on the UPDATE itself: a row another node leased after the
      // sub-select read it fails them (PostgreSQL re-checks them on the locked row), so it is skipped.
      await ctx.db
        .updateTable("webhook_deliveries")
        .set({ claimed_until: profile.time.encode(leaseUntil), claim_token: token })
        .where("id", "in", due)
        .where("status", "=", "pending")
        .where(leaseFree(at))
        .execute();
      const rows = await ctx.db
        .selectFrom("webhook_deliveries as d")
        .innerJoin("webhook_endpoints as e", "e.id", "d.endpoint_id")
        .selectAll("d")
        .select(["e.url as endpoint_url", "e.secret as endpoint_secret", "e.previous_secret as endpoint_previous_secret", "e.previous_secret_expires_at as endpoint_previous_expires_at"])
        .where("d.claim_token", "=", token)
        .where("d.status", "=", "pending")
        .orderBy("d.next_attempt_at")
        .execute();
      return rows.map((row) => ({
        ...toWebhookDelivery(profile, row),
        claimToken: token,
        url: row.endpoint_url,
        secrets: {
          current: row.endpoint_secret,
          previous: row.endpoint_previous_secret,
          previousExpiresAt: row.endpoint_previous_expires_at === null ? null : profile.time.decode(row.endpoint_previous_expires_at),
        },
      }));
    },

    recordAttempt: (deliveryId, token, attempt, next) =>
      atomic(ctx, async (tx) => {
        // The log keeps every attempt, even one whose lease ran out meanwhile (it was sent all the same).
        await tx.db
          .insertInto("webhook_attempts")
          .values({
            delivery_id: deliveryId,
            attempt: attempt.attempt,
            at: profile.time.encode(attempt.at),
            status_code: attempt.statusCode,
            error: attempt.error,
            duration_ms: Math.max(0, Math.round(attempt.durationMs)),
          })
          .onConflict((oc) => oc.columns(["delivery_id", "attempt"]).doNothing())
          .execute();
        const result = await tx.db
          .updateTable("webhook_deliveries")
          .set({
            status: next.status,
            attempts: attempt.attempt,
            next_attempt_at: next.status === "pending" ? profile.time.encode(next.at) : null,
            last_status_code: attempt.statusCode,
            last_error: attempt.error,
            delivered_at: next.status === "delivered" ? profile.time.encode(attempt.at) : null,
            claimed_until: null,
            claim_token: null,
          })
          .where("id", "=", deliveryId)
          .where("claim_token", "=", token)
          .where("status", "=", "pending")
          .executeTakeFirst();
        return touched(result);
      }),

    async release(deliveryId, token) {
      await ctx.db.updateTable("webhook_deliveries").set({ claimed_until: null, claim_token: null }).where("id", "=", deliveryId).where("claim_token", "=", token).execute();
    },
  };
}
