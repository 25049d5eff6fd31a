// The WebhookStore: endpoints and outbox, two repositories over the same handle.
import type { WebhookStore } from "../webhooks-port.js";
import type { StoreContext } from "./context.js";
import { createWebhookEndpointRepository } from "./webhook-endpoint-repository.js";
import { createWebhookOutboxRepository } from "./webhook-outbox-repository.js";

export function createWebhookRepository(ctx: StoreContext): WebhookStore {
  return { ...createWebhookEndpointRepository(ctx), ...createWebhookOutboxRepository(ctx) };
}
