// Schemas of /v1/webhooks: endpoints, their one-time secrets, and the delivery log.
import { Type } from "@sinclair/typebox";
import { WEBHOOK_EVENTS } from "../../core/index.js";
import { DateTime, NullableDateTime } from "./common.js";

export const WebhookEventName = Type.Union(
  WEBHOOK_EVENTS.map((event) => Type.Literal(event)),
  { description: "An event of docs/webhooks.md" },
);
const Events = Type.Array(WebhookEventName, { minItems: 1, maxItems: WEBHOOK_EVENTS.length * 2 });
const Url = Type.String({
  minLength: 1,
  maxLength: 2048,
  description: "https URL; must not be or resolve to a loopback, private, link-local or metadata address (unless KEYWARD_WEBHOOKS_ALLOW_INTERNAL)",
  examples: ["https://hooks.example.com/keyward"],
});

const endpointFields = {
  id: Type.String(),
  url: Type.String(),
  events: Type.Array(WebhookEventName),
  enabled: Type.Boolean(),
  disabledReason: Type.Union([Type.String(), Type.Null()], { description: "Why Keyward disabled the endpoint (`gone`: it answered 410)" }),
  previousSecretExpiresAt: Type.Union([DateTime, Type.Null()], { description: "Until when the previous secret also signs (after a rotation)" }),
  createdAt: DateTime,
  updatedAt: DateTime,
};

export const Webhook = Type.Object(endpointFields, { $id: "Webhook" });
export const WebhookWithSecret = Type.Object(
  { ...endpointFields, secret: Type.String({ description: "The signing secret (whsec_…). Shown only in this answer." }) },
  { $id: "WebhookWithSecret" },
);

export const CreateWebhookBody = Type.Object({ url: Url, events: Events }, { additionalProperties: false });
export const UpdateWebhookBody = Type.Object(
  {
    url: Type.Optional(Url),
    events: Type.Optional(Events),
    enabled: Type.Optional(Type.Boolean({ description: "false stops deliveries (pending ones fail); true re-enables, e.g. after a 410" })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export const RotateWebhookSecretBody = Type.Object(
  {
    overlapSeconds: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 7 * 86_400, default: 86_400, description: "How long the previous secret keeps signing too (default 24 h)" }),
    ),
  },
  { additionalProperties: false },
);

export const WebhookAttempt = Type.Object({
  attempt: Type.Integer(),
  at: DateTime,
  statusCode: Type.Union([Type.Integer(), Type.Null()], { description: "null: no response (timeout, refused connection, forbidden address)" }),
  error: Type.Union([Type.String(), Type.Null()]),
  durationMs: Type.Integer(),
});

export const WebhookDelivery = Type.Object(
  {
    id: Type.String({ description: "The message id, sent as webhook-id on every attempt" }),
    eventType: WebhookEventName,
    status: Type.Union([Type.Literal("pending"), Type.Literal("delivered"), Type.Literal("failed")]),
    attemptCount: Type.Integer(),
    nextAttemptAt: NullableDateTime,
    lastStatusCode: Type.Union([Type.Integer(), Type.Null()]),
    lastError: Type.Union([Type.String(), Type.Null()]),
    createdAt: DateTime,
    deliveredAt: NullableDateTime,
    payload: Type.Unknown({ description: "The JSON body sent: { type, timestamp, data }" }),
    attempts: Type.Array(WebhookAttempt),
  },
  { $id: "WebhookDelivery" },
);
