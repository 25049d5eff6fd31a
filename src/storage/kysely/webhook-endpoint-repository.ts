// Webhook endpoints: per-workspace targets with their events and signing secrets.
import type { WebhookStore } from "../webhooks-port.js";
import type { StoreContext } from "./context.js";
import { atomic, touched } from "./context.js";
import { fetchSize, toPage } from "./paging.js";
import { toWebhookEndpoint } from "./webhook-rows.js";

type EndpointMethods = Pick<WebhookStore, "create" | "get" | "list" | "update" | "rotateSecret" | "resealSecrets" | "delete" | "subscribers">;

export function createWebhookEndpointRepository(ctx: StoreContext): EndpointMethods {
  const { profile } = ctx;
  const scoped = (c: StoreContext, workspaceId: string) => c.db.selectFrom("webhook_endpoints").selectAll().where("workspace_id", "=", workspaceId);

  async function get(c: StoreContext, workspaceId: string, endpointId: string) {
    const row = await scoped(c, workspaceId).where("id", "=", endpointId).executeTakeFirst();
    return row ? toWebhookEndpoint(profile, row) : null;
  }

  return {
    async create(endpoint) {
      const at = profile.time.encode(endpoint.now);
      await ctx.db
        .insertInto("webhook_endpoints")
        .values({
          id: endpoint.id,
          workspace_id: endpoint.workspaceId,
          url: endpoint.url,
          events: profile.json.encode(endpoint.events),
          enabled: profile.bool.encode(true),
          disabled_reason: null,
          secret: endpoint.secret,
          previous_secret: null,
          previous_secret_expires_at: null,
          created_at: at,
          updated_at: at,
        })
        .execute();
      const created = await get(ctx, endpoint.workspaceId, endpoint.id);
      if (!created) throw new Error(`webhook endpoint ${endpoint.id} vanished after insert`);
      return created;
    },

    get: (workspaceId, endpointId) => get(ctx, workspaceId, endpointId),

    async list(workspaceId, page) {
      let query = scoped(ctx, workspaceId);
      if (page.after !== undefined) query = query.where("id", ">", page.after);
      const rows = await query.orderBy("id").limit(fetchSize(page)).execute();
      return toPage(
        rows.map((row) => toWebhookEndpoint(profile, row)),
        page,
      );
    },

    update: (workspaceId, endpointId, patch, now) =>
      atomic(ctx, async (tx) => {
        const disabledReason = patch.disabledReason !== undefined ? patch.disabledReason : patch.enabled === true ? null : undefined;
        const result = await tx.db
          .updateTable("webhook_endpoints")
          .set({
            ...(patch.url !== undefined && { url: patch.url }),
            ...(patch.events !== undefined && { events: profile.json.encode(patch.events) }),
            ...(patch.enabled !== undefined && { enabled: profile.bool.encode(patch.enabled) }),
            ...(disabledReason !== undefined && { disabled_reason: disabledReason }),
            updated_at: profile.time.encode(now),
          })
          .where("workspace_id", "=", workspaceId)
          .where("id", "=", endpointId)
          .executeTakeFirst();
        if (!touched(result)) return null;
        if (patch.enabled === false) {
          // A disabled endpoint gets nothing, not even the backlog later: re-enabling starts afresh.
          await tx.db
            .updateTable("webhook_deliveries")
            .set({ status: "failed", next_attempt_at: null, last_error: "endpoint disabled", claimed_until: null, claim_token: null })
            .where("endpoint_id", "=", endpointId)
            .where("status", "=", "pending")
            .execute();
        }
        return get(tx, workspaceId, endpointId);
      }),

    async rotateSecret(workspaceId, endpointId, next, now) {
      return atomic(ctx, async (tx) => {
        const row = await tx.db.selectFrom("webhook_endpoints").select("secret").where("workspace_id", "=", workspaceId).where("id", "=", endpointId).executeTakeFirst();
        if (!row) return null;
        // Only one previous secret: rotating again inside an overlap ends the older one's overlap now.
        await tx.db
          .updateTable("webhook_endpoints")
          .set({
            secret: next.secret,
            previous_secret: row.secret,
            previous_secret_expires_at: profile.time.encode(next.previousExpiresAt),
            updated_at: profile.time.encode(now),
          })
          .where("workspace_id", "=", workspaceId)
          .where("id", "=", endpointId)
          .where("secret", "=", row.secret)
          .execute();
        return get(tx, workspaceId, endpointId);
      });
    },

    async resealSecrets(transform) {
      const rows = await ctx.db.selectFrom("webhook_endpoints").select(["id", "secret", "previous_secret"]).orderBy("id").execute();
      let written = 0;
      for (const row of rows) {
        const secret = transform(row.secret, row.id);
        const previous = row.previous_secret === null ? null : transform(row.previous_secret, row.id);
        if (secret === row.secret && previous === row.previous_secret) continue;
        const result = await ctx.db
          .updateTable("webhook_endpoints")
          .set({ secret, previous_secret: previous })
          .where("id", "=", row.id)
          .where("secret", "=", row.secret)
          .where((eb) => (row.previous_secret === null ? eb("previous_secret", "is", null) : eb("previous_secret", "=", row.previous_secret)))
          .executeTakeFirst();
        if (touched(result)) written++;
      }
      return written;
    },

    async delete(workspaceId, endpointId) {
      // Deliveries and their attempts go with it (ON DELETE CASCADE).
      const result = await ctx.db.deleteFrom("webhook_endpoints").where("workspace_id", "=", workspaceId).where("id", "=", endpointId).executeTakeFirst();
      return touched(result);
    },

    async subscribers(workspaceId, event) {
      // A workspace has few endpoints: one indexed read, filtered here (events is JSON on both backends).
      const rows = await scoped(ctx, workspaceId).where("enabled", "=", profile.bool.encode(true)).orderBy("id").execute();
      return rows.map((row) => toWebhookEndpoint(profile, row)).filter((endpoint) => endpoint.events.includes(event));
    },
  };
}
