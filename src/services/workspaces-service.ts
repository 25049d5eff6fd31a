// Workspaces (tenants): creation with their reserved root API and first root key, and bootstrap.
import { createId, type AuditRequest, type Workspace } from "../core/index.js";
import { INSTALL_ROOT_PERMISSIONS, WORKSPACE_ROOT_PERMISSIONS } from "../auth/index.js";
import { rootKeyAuditView, workspaceAuditView } from "../audit/audit-views.js";
import { KeywardError } from "../errors/index.js";
import type { Store } from "../storage/port.js";
import { recordChange, recordSystemChange, type ChangeActor } from "./audit-trail.js";
import type { ServiceContext } from "./context.js";
import { issueRootKey, ROOT_KEY_PREFIX, type IssuedRootKey } from "./root-keys-service.js";

/**
 * A new workspace's own chain starts with its creation and its first root key, both by the system
 * actor: the root key that asked for it belongs to another workspace, whose chain records that.
 */
async function createWorkspaceIn(
  ctx: ServiceContext,
  store: Store,
  name: string,
  permissions: string[],
  request: AuditRequest | null,
): Promise<{ workspace: Workspace; rootKey: IssuedRootKey }> {
  const now = ctx.now();
  const workspace = await store.workspaces.create({ id: createId("ws", now, ctx.random), name, now });
  await store.apis.create({
    id: createId("api", now, ctx.random),
    workspaceId: workspace.id,
    kind: "root",
    name: "Keyward root keys",
    prefix: ROOT_KEY_PREFIX,
    defaults: {},
    now,
  });
  const rootKey = await issueRootKey(ctx, store, workspace.id, { name: "first root key", permissions });
  const system = { workspaceId: workspace.id, request };
  await recordSystemChange(ctx, store, system, { action: "workspace.create", targetId: workspace.id, after: workspaceAuditView(workspace) });
  await recordSystemChange(ctx, store, system, { action: "root_key.create", targetId: rootKey.key.id, after: rootKeyAuditView(rootKey.key) });
  return { workspace, rootKey };
}

export function createWorkspace(ctx: ServiceContext, actor: ChangeActor, input: { name: string }) {
  return ctx.store.transaction(async (store) => {
    const created = await createWorkspaceIn(ctx, store, input.name, WORKSPACE_ROOT_PERMISSIONS, actor.request ?? null);
    await recordChange(ctx, store, actor, { action: "workspace.create", targetId: created.workspace.id, after: workspaceAuditView(created.workspace) });
    return created;
  });
}

export async function getCurrentWorkspace(ctx: ServiceContext, actor: ChangeActor): Promise<Workspace> {
  const workspace = await ctx.store.workspaces.get(actor.workspaceId);
  if (!workspace) throw new KeywardError("UNAUTHORIZED", "The root key's workspace no longer exists.");
  return workspace;
}

/**
 * On the very first start (no workspace yet) creates the default workspace and the install's root key.
 * Returns the root key's secret so the caller can show it once; null when the install exists already.
 */
export async function bootstrapInstall(ctx: ServiceContext): Promise<IssuedRootKey | null> {
  return ctx.store.transaction(async (store) => {
    // The claim row serialises nodes starting together on one empty database: only its writer bootstraps.
    if (!(await store.workspaces.claimInstall(ctx.now()))) return null;
    if ((await store.workspaces.count()) > 0) return null;
    const { rootKey } = await createWorkspaceIn(ctx, store, "default", INSTALL_ROOT_PERMISSIONS, null);
    return rootKey;
  });
}
