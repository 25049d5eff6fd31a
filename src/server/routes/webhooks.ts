// /v1/webhooks: endpoints that receive the workspace's events, signed per Standard Webhooks.
import { Type } from "@sinclair/typebox";
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listWebhookDeliveries,
  listWebhooks,
  redeliverWebhook,
  rotateWebhookSecret,
  updateWebhook,
} from "../../services/index.js";
import type { WebhookDeliveryWithAttempts, WebhookEndpoint } from "../../storage/port.js";
import { webhookAuditView } from "../../audit/audit-views.js";
import { changeActorOf } from "../audit-context.js";
import { actorOf, guard, managed, type App, type RouteOptions } from "../route-kit.js";
import { AUTHED_PROBLEMS, Deleted, Id, IdParam, PageOf, PageQuery, problems } from "../schemas/common.js";
import { CreateWebhookBody, RotateWebhookSecretBody, UpdateWebhookBody, Webhook, WebhookDelivery, WebhookWithSecret } from "../schemas/webhooks.js";

const WebhookParams = IdParam("webhookId", "whk");
const WebhookDeliveryParams = Type.Object({ webhookId: Id("whk"), deliveryId: Id("msg") }, { additionalProperties: false });
const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** The endpoint as answers show it: the same public view the audit log records (never a secret). */
const webhookView = webhookAuditView;

function deliveryView(delivery: WebhookDeliveryWithAttempts) {
  return {
    id: delivery.id,
    eventType: delivery.eventType,
    status: delivery.status,
    attemptCount: delivery.attempts,
    nextAttemptAt: iso(delivery.nextAttemptAt),
    lastStatusCode: delivery.lastStatusCode,
    lastError: delivery.lastError,
    createdAt: delivery.createdAt.toISOString(),
    deliveredAt: iso(delivery.deliveredAt),
    payload: JSON.parse(delivery.payload) as unknown,
    attempts: delivery.attemptLog.map((attempt) => ({ ...attempt, at: attempt.at.toISOString() })),
  };
}

export async function webhookRoutes(app: App, { ctx }: RouteOptions) {
  app.post(
    "/v1/webhooks",
    {
      preValidation: guard(ctx, "webhooks:create"),
      schema: {
        ...managed("webhooks", "Create a webhook endpoint (the signing secret is shown only in this answer)"),
        body: CreateWebhookBody,
        response: { 201: WebhookWithSecret, ...problems(...AUTHED_PROBLEMS) },
      },
    },
    async (request, reply) => {
      const { endpoint, secret } = await createWebhook(ctx, changeActorOf(request), request.body);
      return reply.status(201).send({ ...webhookView(endpoint), secret });
    },
  );
  app.get(
    "/v1/webhooks",
    {
      preValidation: guard(ctx, "webhooks:read"),
      schema: {
        ...managed("webhooks", "List webhook endpoints"),
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: PageOf(Webhook), ...problems(...AUTHED_PROBLEMS) },
      },
    },
    async (request) => listWebhooks(ctx, actorOf(request), request.query).then((page) => ({ ...page, items: page.items.map(webhookView) })),
  );
  app.get(
    "/v1/webhooks/:webhookId",
    {
      preValidation: guard(ctx, "webhooks:read"),
      schema: { ...managed("webhooks", "Get a webhook endpoint"), params: WebhookParams, response: { 200: Webhook, ...problems(...AUTHED_PROBLEMS, 404) } },
    },
    async (request) => webhookView(await getWebhook(ctx, actorOf(request), request.params.webhookId)),
  );
  app.patch(
    "/v1/webhooks/:webhookId",
    {
      preValidation: guard(ctx, "webhooks:update"),
      schema: {
        ...managed("webhooks", "Update a webhook endpoint's URL, events or enabled state"),
        params: WebhookParams,
        body: UpdateWebhookBody,
        response: { 200: Webhook, ...problems(...AUTHED_PROBLEMS, 404) },
      },
    },
    async (request) => webhookView(await updateWebhook(ctx, changeActorOf(request), request.params.webhookId, request.body)),
  );
  app.delete(
    "/v1/webhooks/:webhookId",
    {
      preValidation: guard(ctx, "webhooks:delete"),
      schema: {
        ...managed("webhooks", "Delete a webhook endpoint (its pending deliveries are dropped)"),
        params: WebhookParams,
        response: { 200: Deleted, ...problems(...AUTHED_PROBLEMS, 404) },
      },
    },
    async (request) => {
      await deleteWebhook(ctx, changeActorOf(request), request.params.webhookId);
      return { deleted: true as const };
    },
  );
  app.post(
    "/v1/webhooks/:webhookId/rotate-secret",
    {
      preValidation: guard(ctx, "webhooks:update"),
      schema: {
        ...managed("webhooks", "Rotate the signing secret: the new one is shown once; the old one keeps signing during the overlap"),
        params: WebhookParams,
        body: RotateWebhookSecretBody,
        response: { 200: WebhookWithSecret, ...problems(...AUTHED_PROBLEMS, 404) },
      },
    },
    async (request) => {
      const { endpoint, secret } = await rotateWebhookSecret(ctx, changeActorOf(request), request.params.webhookId, request.body);
      return { ...webhookView(endpoint), secret };
    },
  );
  app.get(
    "/v1/webhooks/:webhookId/deliveries",
    {
      preValidation: guard(ctx, "webhooks:read"),
      schema: {
        ...managed("webhooks", "List an endpoint's deliveries, oldest first, each with its attempts"),
        params: WebhookParams,
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: PageOf(WebhookDelivery), ...problems(...AUTHED_PROBLEMS, 404) },
      },
    },
    async (request) =>
      listWebhookDeliveries(ctx, actorOf(request), request.params.webhookId, request.query).then((page) => ({ ...page, items: page.items.map(deliveryView) })),
  );
  app.post(
    "/v1/webhooks/:webhookId/deliveries/:deliveryId/retry",
    {
      preValidation: guard(ctx, "webhooks:update"),
      schema: {
        ...managed("webhooks", "Send a failed delivery again: due at once, its attempts kept"),
        params: WebhookDeliveryParams,
        response: { 200: WebhookDelivery, ...problems(...AUTHED_PROBLEMS, 404, 409) },
      },
    },
    async (request) => deliveryView(await redeliverWebhook(ctx, changeActorOf(request), request.params.webhookId, request.params.deliveryId)),
  );
}
