// What webhook services need besides the store: the target rules (KEYWARD_WEBHOOKS_ALLOW_INTERNAL,
// DNS), a way to wake this node's delivery worker after writing outbox rows, and the key that seals
// signing secrets at rest.
import type { SecretsKeyring } from "../core/index.js";
import { systemLookup, type HostLookup } from "../webhooks/resolve-target.js";

export interface WebhookSettings {
  /** Loopback, private, link-local and metadata targets, and plain http, are allowed. */
  allowInternal: boolean;
  lookup: HostLookup;
  /** Set by the node's worker (src/webhooks/webhook-worker.ts); a no-op without one. */
  wake: () => void;
  /** Seal signing secrets at rest (KEYWARD_SECRETS_KEY); null: they are stored as they are. */
  secretsKeys: SecretsKeyring | null;
}

export function createWebhookSettings(options: Partial<WebhookSettings> = {}): WebhookSettings {
  return { allowInternal: options.allowInternal ?? false, lookup: options.lookup ?? systemLookup, wake: options.wake ?? (() => undefined), secretsKeys: options.secretsKeys ?? null };
}
