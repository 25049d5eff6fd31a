// Webhook endpoints: where a workspace's events go. The signing secret is returned once, at creation
// and at each rotation; URLs are checked against the SSRF rules before they are saved.
import { createId, createWebhookSecret, resealSecret, sealSecret, type WebhookEvent } from "../core/index.js";
import { KeywardError } from "../errors/index.js";
import type { Actor } from "../auth/index.js";
import { webhookAuditView } from "../audit/audit-views.js";
import type { Store, WebhookDeliveryWithAttempts, WebhookEndpoint, WebhookEndpointPatch } from "../storage/port.js";
import { checkWebhookTarget } from "../webhooks/resolve-target.js";
import { recordChange, recordSystemChange, type ChangeActor } from "./audit-trail.js";
import type { ServiceContext } from "./context.js";
import { mapPage, toPageRequest, type PageQuery } from "./pagination.js";

/** How long the previous secret keeps signing after a rotation, unless the request says otherwise. */
export const DEFAULT_SECRET_OVERLAP_SECONDS = 86_400;

async function checkUrl(ctx: ServiceContext, url: string, pointer: string): Promise<string> {
  const checked = await checkWebhookTarget(url, ctx.webhooks);
  if (!checked.ok) throw new KeywardError(checked.code, `The webhook URL ${checked.reason}.`, [{ pointer, message: checked.reason }]);
  return checked.url.href;
}

const distinct = (events: readonly WebhookEvent[]) => [...new Set(events)];

/** A signing secret as the database keeps it: sealed when a secrets key is configured. */
function storedSecret(ctx: ServiceContext, secret: string, endpointId: string): string {
  const keys = ctx.webhooks.secretsKeys;
  return keys === null ? secret : sealSecret(keys.current, secret, endpointId, ctx.random(12));
}

/**
 * At start, when a secrets key is configured: seals every signing secret stored before it was, and
 * re-seals under the current key those sealed under an older key of the file. A database upgraded in
 * place holds no plaintext secret afterwards. Returns how many endpoints changed.
 */
export function sealStoredSecrets(ctx: ServiceContext): Promise<number> {
  const keys = ctx.webhooks.secretsKeys;
  if (keys === null) return Promise.resolve(0);
  return ctx.store.webhooks.resealSecrets((stored, endpointId) => resealSecret(keys, stored, endpointId, ctx.random(12)));
}

export async function createWebhook(
  ctx: ServiceContext,
  actor: ChangeActor,
  input: { url: string; events: WebhookEvent[] },
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  const url = await checkUrl(ctx, input.url, "/body/url");
  const secret = createWebhookSecret(ctx.random);
  const now = ctx.now();
  const id = createId("whk", now, ctx.random);
  const endpoint = await ctx.store.transaction(async (store) => {
    const created = await store.webhooks.create({ id, workspaceId: actor.workspaceId, url, events: distinct(input.events), secret: storedSecret(ctx, secret, id), now });
    await recordChange(ctx, store, actor, { action: "webhook.create", targetId: created.id, after: webhookAuditView(created) });
    return created;
  });
  return { endpoint, secret };
}

async function findWebhook(store: Store, actor: Actor, endpointId: string): Promise<WebhookEndpoint> {
  const endpoint = await store.webhooks.get(actor.workspaceId, endpointId);
  if (!endpoint) throw new KeywardError("WEBHOOK_NOT_FOUND", `No webhook endpoint ${endpointId} in this workspace.`);
  return endpoint;
}

export function getWebhook(ctx: ServiceContext, actor: Actor, endpointId: string): Promise<WebhookEndpoint> {
  return findWebhook(ctx.store, actor, endpointId);
}

export async function listWebhooks(ctx: ServiceContext, actor: Actor, query: PageQuery) {
  return mapPage(await ctx.store.webhooks.list(actor.workspaceId, toPageRequest(query)), (endpoint) => endpoint);
}

export async function updateWebhook(
  ctx: ServiceContext,
  actor: ChangeActor,
  endpointId: string,
  input: { url?: string; events?: WebhookEvent[]; enabled?: boolean },
): Promise<WebhookEndpoint> {
  // Found first: a caller of another workspace learns nothing from a URL check.
  await findWebhook(ctx.store, actor, endpointId);
  const patch: WebhookEndpointPatch = {
    ...(input.url !== undefined && { url: await checkUrl(ctx, input.url, "/body/url") }),
    ...(input.events !== undefined && { events: distinct(input.events) }),
    // Re-enabling clears why Keyward disabled it (e.g. a 410); disabling by hand gives no reason.
    ...(input.enabled !== undefined && { enabled: input.enabled, disabledReason: null }),
  };
  return ctx.store.transaction(async (store) => {
    const before = await findWebhook(store, actor, endpointId);
    const after = await store.webhooks.update(actor.workspaceId, endpointId, patch, ctx.now());
    if (!after) throw new KeywardError("WEBHOOK_NOT_FOUND", `No webhook endpoint ${endpointId} in this workspace.`);
    await recordChange(ctx, store, actor, { action: "webhook.update", targetId: endpointId, before: webhookAuditView(before), after: webhookAuditView(after) });
    return after;
  });
}

export async function deleteWebhook(ctx: ServiceContext, actor: ChangeActor, endpointId: string): Promise<void> {
  await ctx.store.transaction(async (store) => {
    const before = await findWebhook(store, actor, endpointId);
    await store.webhooks.delete(actor.workspaceId, endpointId);
    await recordChange(ctx, store, actor, { action: "webhook.delete", targetId: endpointId, before: webhookAuditView(before) });
  });
}

/** A new secret signs from now on; the old one keeps signing too until the overlap ends. */
export async function rotateWebhookSecret(
  ctx: ServiceContext,
  actor: ChangeActor,
  endpointId: string,
  input: { overlapSeconds?: number },
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  const secret = createWebhookSecret(ctx.random);
  const now = ctx.now();
  const previousExpiresAt = new Date(now.getTime() + (input.overlapSeconds ?? DEFAULT_SECRET_OVERLAP_SECONDS) * 1000);
  const endpoint = await ctx.store.transaction(async (store) => {
    const before = await findWebhook(store, actor, endpointId);
    const after = await store.webhooks.rotateSecret(actor.workspaceId, endpointId, { secret: storedSecret(ctx, secret, endpointId), previousExpiresAt }, now);
    if (!after) throw new KeywardError("WEBHOOK_NOT_FOUND", `No webhook endpoint ${endpointId} in this workspace.`);
    await recordChange(ctx, store, actor, { action: "webhook.rotate_secret", targetId: endpointId, before: webhookAuditView(before), after: webhookAuditView(after) });
    return after;
  });
  return { endpoint, secret };
}

export async function listWebhookDeliveries(ctx: ServiceContext, actor: Actor, endpointId: string, query: PageQuery) {
  await findWebhook(ctx.store, actor, endpointId);
  return mapPage(await ctx.store.webhooks.listDeliveries(actor.workspaceId, endpointId, toPageRequest(query)), (delivery) => delivery);
}

/**
 * A failed delivery sent again: due at once, its attempts and their log kept, so the schedule goes on
 * from where it stopped (one that had used it up gets one more attempt). For after an outage longer than
 * the schedule, or an endpoint disabled and enabled again.
 */
export async function redeliverWebhook(ctx: ServiceContext, actor: ChangeActor, endpointId: string, deliveryId: string): Promise<WebhookDeliveryWithAttempts> {
  const now = ctx.now();
  const delivery = await ctx.store.transaction(async (store) => {
    const endpoint = await findWebhook(store, actor, endpointId);
    const found = await store.webhooks.getDelivery(actor.workspaceId, deliveryId);
    if (!found || found.endpointId !== endpointId) throw new KeywardError("WEBHOOK_DELIVERY_NOT_FOUND", `No delivery ${deliveryId} of webhook endpoint ${endpointId}.`);
    if (!endpoint.enabled) throw new KeywardError("WEBHOOK_DISABLED", `Webhook endpoint ${endpointId} is disabled; enable it first.`);
    if (found.status !== "failed" || !(await store.webhooks.requeueDelivery(actor.workspaceId, endpointId, deliveryId, now))) {
      throw new KeywardError("WEBHOOK_DELIVERY_NOT_FAILED", `Delivery ${deliveryId} is ${found.status}; only a failed delivery can be sent again.`);
    }
    await recordChange(ctx, store, actor, { action: "webhook.redeliver", targetId: endpointId, after: { deliveryId, eventType: found.eventType, attempts: found.attempts } });
    return (await store.webhooks.getDelivery(actor.workspaceId, deliveryId))!;
  });
  ctx.webhooks.wake();
  return delivery;
}

/** The receiver answered 410 Gone: Keyward disables the endpoint itself (audited as the system). */
export async function disableGoneWebhook(ctx: ServiceContext, workspaceId: string, endpointId: string): Promise<boolean> {
  return ctx.store.transaction(async (store) => {
    const before = await store.webhooks.get(workspaceId, endpointId);
    if (!before?.enabled) return false;
    const after = await store.webhooks.update(workspaceId, endpointId, { enabled: false, disabledReason: "gone" }, ctx.now());
    if (!after) return false;
    await recordSystemChange(ctx, store, { workspaceId }, { action: "webhook.disable", targetId: endpointId, before: webhookAuditView(before), after: webhookAuditView(after) });
    return true;
  });
}
