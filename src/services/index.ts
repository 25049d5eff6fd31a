// Services: the management operations, each scoped to the calling root key's workspace.
export * from "./apis-service.js";
export * from "./context.js";
export * from "./keys-service.js";
export * from "./key-lifecycle-service.js";
export * from "./key-import-service.js";
export * from "./leaks-service.js";
export * from "./audit-trail.js";
export * from "./audit-service.js";
export * from "./pagination.js";
export * from "./root-keys-service.js";
export * from "./workspaces-service.js";
export * from "./identities-service.js";
export * from "./roles-service.js";
export * from "./credits-service.js";
export * from "./ratelimit-service.js";
export * from "./webhooks-service.js";
export type { WebhookSettings } from "./webhook-settings.js";
