// Webhook rows to records: decodes the dialect's stored times, booleans and JSON.
import type { Selectable } from "kysely";
import type { WebhookEvent } from "../../core/index.js";
import type { WebhookAttempt, WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint } from "../webhooks-port.js";
import type { DialectProfile } from "./dialect-profile.js";
import type { WebhookAttemptsTable, WebhookDeliveriesTable, WebhookEndpointsTable } from "./schema.js";

export function toWebhookEndpoint(profile: DialectProfile, row: Selectable<WebhookEndpointsTable>): WebhookEndpoint {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    url: row.url,
    events: profile.json.decode(row.events) as WebhookEvent[],
    enabled: profile.bool.decode(row.enabled),
    disabledReason: row.disabled_reason,
    previousSecretExpiresAt: row.previous_secret === null || row.previous_secret_expires_at === null ? null : profile.time.decode(row.previous_secret_expires_at),
    createdAt: profile.time.decode(row.created_at),
    updatedAt: profile.time.decode(row.updated_at),
  };
}

export function toWebhookDelivery(profile: DialectProfile, row: Selectable<WebhookDeliveriesTable>): WebhookDelivery {
  const time = (value: Selectable<WebhookDeliveriesTable>["created_at"] | null) => (value === null ? null : profile.time.decode(value));
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    endpointId: row.endpoint_id,
    eventType: row.event_type as WebhookEvent,
    payload: row.payload,
    status: row.status as WebhookDeliveryStatus,
    attempts: Number(row.attempts),
    nextAttemptAt: time(row.next_attempt_at),
    lastStatusCode: row.last_status_code === null ? null : Number(row.last_status_code),
    lastError: row.last_error,
    createdAt: profile.time.decode(row.created_at),
    deliveredAt: time(row.delivered_at),
  };
}

export function toWebhookAttempt(profile: DialectProfile, row: Selectable<WebhookAttemptsTable>): WebhookAttempt {
  return {
    attempt: Number(row.attempt),
    at: profile.time.decode(row.at),
    statusCode: row.status_code === null ? null : Number(row.status_code),
    error: row.error,
    durationMs: Number(row.duration_ms),
  };
}
