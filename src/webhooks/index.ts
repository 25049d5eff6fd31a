// Webhook delivery: target checks with DNS, the HTTP sender and the outbox worker every node runs.
export * from "./resolve-target.js";
export * from "./send-webhook.js";
export * from "./webhook-worker.js";
export * from "./secrets-key.js";
