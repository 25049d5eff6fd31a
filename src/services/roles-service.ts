// Roles: named bundles of permissions attached to keys; a change reaches every key that has the role.
import { createId, type RoleRecord } from "../core/index.js";
import { KeywardError } from "../errors/index.js";
import type { Actor } from "../auth/index.js";
import { roleAuditView } from "../audit/audit-views.js";
import { StoreConflictError, type Store } from "../storage/port.js";
import { recordChange, type ChangeActor } from "./audit-trail.js";
import type { ServiceContext } from "./context.js";
import { checkPermissionNames } from "./input-checks.js";
import { mapPage, toPageRequest, type PageQuery } from "./pagination.js";

function taken(error: unknown): never {
  if (error instanceof StoreConflictError) {
    throw new KeywardError("ROLE_NAME_TAKEN", "Another role of this workspace has this name.", [{ pointer: "/body/name", message: "taken" }]);
  }
  throw error;
}

export async function createRole(
  ctx: ServiceContext,
  actor: ChangeActor,
  input: { name: string; description?: string; permissions?: string[] },
): Promise<RoleRecord> {
  checkPermissionNames(input.permissions, "/body/permissions");
  const now = ctx.now();
  return ctx.store.transaction(async (store) => {
    const role = await store.roles
      .create({
        id: createId("role", now, ctx.random),
        workspaceId: actor.workspaceId,
        name: input.name,
        description: input.description ?? null,
        permissions: input.permissions ?? [],
        now,
      })
      .catch(taken);
    await recordChange(ctx, store, actor, { action: "role.create", targetId: role.id, after: roleAuditView(role) });
    return role;
  });
}

async function findRole(store: Store, actor: Actor, roleId: string): Promise<RoleRecord> {
  const role = await store.roles.get(actor.workspaceId, roleId);
  if (!role) throw new KeywardError("ROLE_NOT_FOUND", `No role ${roleId} in this workspace.`);
  return role;
}

export function getRole(ctx: ServiceContext, actor: Actor, roleId: string): Promise<RoleRecord> {
  return findRole(ctx.store, actor, roleId);
}

export async function listRoles(ctx: ServiceContext, actor: Actor, query: PageQuery) {
  return mapPage(await ctx.store.roles.list(actor.workspaceId, toPageRequest(query)), (role) => role);
}

export async function updateRole(
  ctx: ServiceContext,
  actor: ChangeActor,
  roleId: string,
  patch: { name?: string; description?: string | null; permissions?: string[] },
): Promise<RoleRecord> {
  checkPermissionNames(patch.permissions, "/body/permissions");
  const role = await ctx.store.transaction(async (store) => {
    const before = await findRole(store, actor, roleId);
    const after = await store.roles.update(actor.workspaceId, roleId, patch, ctx.now()).catch(taken);
    if (!after) throw new KeywardError("ROLE_NOT_FOUND", `No role ${roleId} in this workspace.`);
    await recordChange(ctx, store, actor, { action: "role.update", targetId: roleId, before: roleAuditView(before), after: roleAuditView(after) });
    return after;
  });
  // Every cached key holding the role must see the new permissions.
  await ctx.invalidation.workspace(actor.workspaceId);
  return role;
}

export async function deleteRole(ctx: ServiceContext, actor: ChangeActor, roleId: string): Promise<void> {
  await ctx.store.transaction(async (store) => {
    const before = await findRole(store, actor, roleId);
    await store.roles.delete(actor.workspaceId, roleId);
    await recordChange(ctx, store, actor, { action: "role.delete", targetId: roleId, before: roleAuditView(before) });
  });
  await ctx.invalidation.workspace(actor.workspaceId);
}
