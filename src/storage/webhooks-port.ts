// The webhooks part of the storage port: endpoints with their signing secrets, the delivery outbox
// (rows written inside the transaction of the change they announce) and the log of attempts.
import type { WebhookEvent } from "../core/index.js";
import type { Page, PageRequest } from "./port.js";

export interface WebhookEndpoint {
  id: string;
  workspaceId: string;
  url: string;
  events: WebhookEvent[];
  enabled: boolean;
  /** Why Keyward disabled it (e.g. "gone": the receiver answered 410); null when enabled or disabled by a user. */
  disabledReason: string | null;
  /** Until when the previous secret still signs (after a rotation); null when there is none. */
  previousSecretExpiresAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The plaintext secrets of an endpoint: only the delivery worker reads them. */
export interface WebhookSecrets {
  current: string;
  previous: string | null;
  previousExpiresAt: Date | null;
}

export interface NewWebhookEndpoint {
  id: string;
  workspaceId: string;
  url: string;
  events: WebhookEvent[];
  secret: string;
  now: Date;
}

export interface WebhookEndpointPatch {
  url?: string;
  events?: WebhookEvent[];
  enabled?: boolean;
  disabledReason?: string | null;
}

export type WebhookDeliveryStatus = "pending" | "delivered" | "failed";

export interface NewWebhookDelivery {
  /** The message id (`msg_…`), sent as `webhook-id` on every attempt. */
  id: string;
  workspaceId: string;
  endpointId: string;
  eventType: WebhookEvent;
  /** The exact JSON text that is signed and sent. */
  payload: string;
  now: Date;
}

export interface WebhookAttempt {
  attempt: number;
  at: Date;
  /** Null when no response came. */
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export interface WebhookDelivery {
  id: string;
  workspaceId: string;
  endpointId: string;
  eventType: WebhookEvent;
  payload: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  /** Null once delivered or failed. */
  nextAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
}

export interface WebhookDeliveryWithAttempts extends WebhookDelivery {
  attemptLog: WebhookAttempt[];
}

/** A delivery this worker holds the lease of, with what sending needs. */
export interface ClaimedDelivery extends WebhookDelivery {
  claimToken: string;
  url: string;
  secrets: WebhookSecrets;
}

export type DeliveryNext = { status: "delivered" } | { status: "pending"; at: Date } | { status: "failed" };

export interface WebhookStore {
  create(endpoint: NewWebhookEndpoint): Promise<WebhookEndpoint>;
  get(workspaceId: string, endpointId: string): Promise<WebhookEndpoint | null>;
  list(workspaceId: string, page: PageRequest): Promise<Page<WebhookEndpoint>>;
  /**
   * Disabling (enabled: false) also fails the endpoint's pending deliveries; enabling clears
   * disabledReason unless the patch sets it.
   */
  update(workspaceId: string, endpointId: string, patch: WebhookEndpointPatch, now: Date): Promise<WebhookEndpoint | null>;
  /** The new secret becomes current; the current one becomes previous, signing until `previousExpiresAt`. */
  rotateSecret(workspaceId: string, endpointId: string, next: { secret: string; previousExpiresAt: Date }, now: Date): Promise<WebhookEndpoint | null>;
  /**
   * Rewrites every endpoint's stored secrets (current and previous) through `transform`, in every
   * workspace; a row is written only when a value changes, and only if it still holds what was read (a
   * rotation meanwhile wins). Returns how many endpoints were written. For sealing secrets at rest.
   */
  resealSecrets(transform: (stored: string, endpointId: string) => string): Promise<number>;
  /** Removes the endpoint with its deliveries and attempts. */
  delete(workspaceId: string, endpointId: string): Promise<boolean>;
  /** The enabled endpoints of the workspace subscribed to `event`. */
  subscribers(workspaceId: string, event: WebhookEvent): Promise<WebhookEndpoint[]>;
  /** Writes outbox rows, due at their `now`. */
  enqueue(deliveries: NewWebhookDelivery[]): Promise<void>;
  getDelivery(workspaceId: string, deliveryId: string): Promise<WebhookDeliveryWithAttempts | null>;
  /** An endpoint's deliveries, oldest first, each with its attempts. */
  listDeliveries(workspaceId: string, endpointId: string, page: PageRequest): Promise<Page<WebhookDeliveryWithAttempts>>;
  /**
   * Leases up to `limit` pending deliveries due at `now` whose lease is free, until `leaseUntil`, under
   * `token`. One conditional UPDATE: nodes racing for a row never both get it.
   */
  claimDue(now: Date, leaseUntil: Date, limit: number, token: string): Promise<ClaimedDelivery[]>;
  /**
   * Logs an attempt and moves the delivery on, if `token` still holds its lease and it is still
   * pending; returns false (attempt still logged) otherwise.
   */
  recordAttempt(deliveryId: string, token: string, attempt: WebhookAttempt, next: DeliveryNext): Promise<boolean>;
  /**
   * Makes a failed delivery of the endpoint due again at `now`, its attempts and their log kept; false when
   * the endpoint has no failed delivery by that id.
   */
  requeueDelivery(workspaceId: string, endpointId: string, deliveryId: string, now: Date): Promise<boolean>;
  /** Gives a lease back without an attempt (a stopping worker), so the delivery is due again at once. */
  release(deliveryId: string, token: string): Promise<void>;
}
