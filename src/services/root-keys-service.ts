// Root keys: Keyward's own keys, in the workspace's reserved root API, carrying management permissions.
import { compilePermissionSet, createId, generateKey, type KeyRecord } from "../core/index.js";
import { KeywardError } from "../errors/index.js";
import { uncoveredPermissions, type Actor } from "../auth/index.js";
import { rootKeyAuditView } from "../audit/audit-views.js";
import type { Store } from "../storage/port.js";
import { recordChange, type ChangeActor } from "./audit-trail.js";
import type { ServiceContext } from "./context.js";
import { checkPermissionNames } from "./input-checks.js";
import { mapPage, toPageRequest, type PageQuery } from "./pagination.js";

/** Root keys read as `kwroot_live_…`, so scanners and people can tell them from customer keys. */
export const ROOT_KEY_PREFIX = "kwroot";

export interface IssuedRootKey {
  secret: string;
  key: KeyRecord;
}

/** Issues a root key in a workspace; used by the API and by bootstrap (no actor yet). */
export async function issueRootKey(
  ctx: ServiceContext,
  store: Store,
  workspaceId: string,
  input: { name: string; permissions: string[] },
): Promise<IssuedRootKey> {
  const rootApi = await store.apis.getRootApi(workspaceId);
  if (!rootApi) throw new Error(`workspace ${workspaceId} has no root API`);
  const now = ctx.now();
  const generated = generateKey(rootApi.prefix, "live", ctx.random);
  const key = await store.keys.create({
    id: createId("key", now, ctx.random),
    workspaceId,
    apiId: rootApi.id,
    hash: generated.hash,
    start: generated.start,
    environment: "live",
    name: input.name,
    identityId: null,
    permissions: input.permissions,
    roleIds: [],
    enabled: true,
    expiresAt: null,
    restrictions: {},
    meta: {},
    now,
  });
  ctx.cache.delete(generated.hash);
  return { secret: generated.key, key };
}

export async function createRootKey(
  ctx: ServiceContext,
  actor: ChangeActor,
  input: { name: string; permissions: string[] },
): Promise<IssuedRootKey> {
  checkPermissionNames(input.permissions, "/body/permissions");
  const beyond = uncoveredPermissions(actor.permissions, input.permissions);
  if (beyond.length > 0) {
    throw new KeywardError("PERMISSION_ESCALATION", `The calling root key does not hold: ${beyond.join(", ")}.`);
  }
  return ctx.store.transaction(async (store) => {
    const issued = await issueRootKey(ctx, store, actor.workspaceId, input);
    await recordChange(ctx, store, actor, { action: "root_key.create", targetId: issued.key.id, after: rootKeyAuditView(issued.key) });
    return issued;
  });
}

async function rootApiId(ctx: ServiceContext | { store: Store }, workspaceId: string): Promise<string> {
  const rootApi = await ctx.store.apis.getRootApi(workspaceId);
  if (!rootApi) throw new Error(`workspace ${workspaceId} has no root API`);
  return rootApi.id;
}

export async function listRootKeys(ctx: ServiceContext, actor: Actor, query: PageQuery) {
  const apiId = await rootApiId(ctx, actor.workspaceId);
  return mapPage(await ctx.store.keys.list(actor.workspaceId, { apiId }, toPageRequest(query)), (key) => key);
}

export async function revokeRootKey(ctx: ServiceContext, actor: ChangeActor, keyId: string, reason: string | null): Promise<KeyRecord> {
  const key = await ctx.store.transaction(async (store) => {
    const apiId = await rootApiId({ store }, actor.workspaceId);
    const existing = await store.keys.get(actor.workspaceId, keyId);
    if (!existing || existing.apiId !== apiId) throw new KeywardError("ROOT_KEY_NOT_FOUND", `No root key ${keyId} in this workspace.`);
    // Revoking is as strong as issuing: a weaker root key must not cut off a stronger one (it could lock
    // the operators out). A key may always revoke itself.
    const beyond = keyId === actor.rootKeyId ? [] : uncoveredPermissions(actor.permissions, existing.permissions);
    if (beyond.length > 0) {
      throw new KeywardError("PERMISSION_ESCALATION", `The calling root key cannot revoke a root key holding permissions it does not hold: ${beyond.join(", ")}.`);
    }
    const revoked = (await store.keys.revoke(actor.workspaceId, keyId, reason, ctx.now()))!;
    await recordChange(ctx, store, actor, { action: "root_key.revoke", targetId: keyId, before: rootKeyAuditView(existing), after: rootKeyAuditView(revoked) });
    return revoked;
  });
  await ctx.invalidation.key(keyId);
  return key;
}

export function describePermissions(permissions: string[]): string {
  return compilePermissionSet(permissions).names.join(", ");
}
