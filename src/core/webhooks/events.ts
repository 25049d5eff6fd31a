// The webhook event catalogue. Every event is derived from an audit entry written in the same
// transaction as the change, so an event is sent exactly when its change committed. Event names are
// public API (docs/webhooks.md lists them): never renamed or reused.
import type { AuditAction } from "../audit/actions.js";

export const WEBHOOK_EVENTS = [
  "key.created",
  "key.updated",
  "key.rotated",
  "key.revoked",
  "key.expiring",
  "key.expired",
  "key.leaked",
  "credits.low",
] as const;

export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

const EVENT_OF_ACTION: Partial<Record<AuditAction, WebhookEvent>> = {
  "key.create": "key.created",
  "key.import": "key.created",
  "key.update": "key.updated",
  "key.rotate": "key.rotated",
  "key.revoke": "key.revoked",
  "key.expiring": "key.expiring",
  "key.expire": "key.expired",
  "key.leak": "key.leaked",
  "credits.low": "credits.low",
};

/** The webhook event an audit action announces, if any. */
export function webhookEventOf(action: AuditAction): WebhookEvent | null {
  return EVENT_OF_ACTION[action] ?? null;
}
