// Workspaces (tenants): creation with their reserved root API and first root key, and bootstrap.
import { createId, type Workspace } from "../core/index.js";
import { INSTALL_ROOT_PERMISSIONS, WORKSPACE_ROOT_PERMISSIONS, type Actor } from "../auth/index.js";
import { KeywardError } from "../errors/index.js";
import type { Store } from "../storage/port.js";
import type { ServiceContext } from "./context.js";
import { issueRootKey, ROOT_KEY_PREFIX, type IssuedRootKey } from "./root-keys-service.js";

async function createWorkspaceIn(
  ctx: ServiceContext,
  store: Store,
  name: string,
  permissions: string[],
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
  return { workspace, rootKey };
}

export function createWorkspace(ctx: ServiceContext, _actor: Actor, input: { name: string }) {
  return ctx.store.transaction((store) => createWorkspaceIn(ctx, store, input.name, WORKSPACE_ROOT_PERMISSIONS));
}

export async function getCurrentWorkspace(ctx: ServiceContext, actor: Actor): Promise<Workspace> {
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
    if ((await store.workspaces.count()) > 0) return null;
    const { rootKey } = await createWorkspaceIn(ctx, store, "default", INSTALL_ROOT_PERMISSIONS);
    return rootKey;
  });
}
