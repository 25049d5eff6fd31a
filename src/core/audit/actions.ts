// The audit action catalogue: stable names, public like error codes (docs/audit.md lists the same;
// a test keeps them equal). Never renamed or reused; new ones are added.
export const AUDIT_ACTIONS = {
  "workspace.create": "workspace",
  "api.create": "api",
  "api.update": "api",
  "api.delete": "api",
  "key.create": "key",
  "key.update": "key",
  "key.revoke": "key",
  "key.rotate": "key",
  "key.import": "key",
  "key.leak": "key",
  "key.expiring": "key",
  "key.expire": "key",
  "key.grace_end": "key",
  "credits.low": "credits",
  "webhook.create": "webhook",
  "webhook.update": "webhook",
  "webhook.delete": "webhook",
  "webhook.rotate_secret": "webhook",
  "webhook.disable": "webhook",
  "webhook.redeliver": "webhook",
  "identity.create": "identity",
  "identity.update": "identity",
  "identity.delete": "identity",
  "role.create": "role",
  "role.update": "role",
  "role.delete": "role",
  "root_key.create": "root_key",
  "root_key.revoke": "root_key",
  "ratelimit_override.set": "ratelimit_override",
  "ratelimit_override.delete": "ratelimit_override",
} as const;

export type AuditAction = keyof typeof AUDIT_ACTIONS;
/** The target type of each action. */
export type AuditTargetType = (typeof AUDIT_ACTIONS)[AuditAction];
