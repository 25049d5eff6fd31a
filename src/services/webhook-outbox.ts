// Turns audit entries into webhook outbox rows, in the transaction of the change: an event is sent
// exactly when its change commits. Called by audit-trail.ts for every entry it writes.
import { createId, webhookEventOf, type AuditAction, type AuditDraft } from "../core/index.js";
import type { Store } from "../storage/port.js";
import type { ServiceContext } from "./context.js";

/** One row per enabled endpoint of the workspace subscribed to the entry's event. */
export async function enqueueWebhookEvents(ctx: ServiceContext, store: Store, entries: readonly AuditDraft[]): Promise<void> {
  let written = 0;
  for (const entry of entries) {
    const type = webhookEventOf(entry.action as AuditAction);
    if (type === null) continue;
    const endpoints = await store.webhooks.subscribers(entry.workspaceId, type);
    if (endpoints.length === 0) continue;
    // The entry's public view (never a secret: audit views hold none), and who made the change.
    const view = JSON.parse(entry.after ?? entry.before ?? "null") as Record<string, unknown> | null;
    const payload = JSON.stringify({ type, timestamp: entry.time.toISOString(), data: { ...view, actor: entry.actor } });
    await store.webhooks.enqueue(
      endpoints.map((endpoint) => ({
        id: createId("msg", entry.time, ctx.random),
        workspaceId: entry.workspaceId,
        endpointId: endpoint.id,
        eventType: type,
        payload,
        now: entry.time,
      })),
    );
    written += endpoints.length;
  }
  if (written > 0) ctx.webhooks.wake();
}
