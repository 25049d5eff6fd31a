// Management permissions carried by root keys. Keyward protects its own API with its own key machinery.
import { permissionCovers, type PermissionSet } from "../core/index.js";

export const MANAGEMENT_PERMISSIONS = [
  "apis:create",
  "apis:read",
  "apis:update",
  "apis:delete",
  "keys:create",
  "keys:read",
  "keys:update",
  "keys:revoke",
  "keys:rotate",
  "keys:verify",
  "identities:create",
  "identities:read",
  "identities:update",
  "identities:delete",
  "roles:create",
  "roles:read",
  "roles:update",
  "roles:delete",
  "root_keys:create",
  "root_keys:read",
  "root_keys:revoke",
  "workspaces:read",
  "workspaces:create",
  "ratelimits:limit",
  "ratelimits:read",
  "ratelimits:update",
  "audit:read",
  "webhooks:create",
  "webhooks:read",
  "webhooks:update",
  "webhooks:delete",
  "leaks:report",
] as const;
export type ManagementPermission = (typeof MANAGEMENT_PERMISSIONS)[number];

/** The first root key of an install: everything, including creating workspaces. */
export const INSTALL_ROOT_PERMISSIONS = ["*"];

/** The first root key of a workspace created through the API: everything inside that workspace only. */
export const WORKSPACE_ROOT_PERMISSIONS = ["apis:*", "keys:*", "identities:*", "roles:*", "root_keys:*", "workspaces:read", "ratelimits:*", "audit:read", "webhooks:*", "leaks:report"];

/** A root key may hand out only what it holds itself: every requested name must be covered. */
export function uncoveredPermissions(holder: PermissionSet, requested: readonly string[]): string[] {
  return requested.filter((name) => !holder.names.some((granted) => permissionCovers(granted, name)));
}
