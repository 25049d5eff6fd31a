// APIs (keyspaces): create, read, list, update, delete within the caller's workspace.
import { checkApiPolicy, createId, type ApiDefaults, type ApiPolicy, type ApiRecord } from "../core/index.js";
import { KeywardError } from "../errors/index.js";
import type { Actor } from "../auth/index.js";
import { apiAuditView } from "../audit/audit-views.js";
import type { Store } from "../storage/port.js";
import { recordChange, type ChangeActor } from "./audit-trail.js";
import type { ServiceContext } from "./context.js";
import { ROOT_KEY_PREFIX } from "./root-keys-service.js";
import { mapPage, toPageRequest, type PageQuery } from "./pagination.js";

export async function createApi(
  ctx: ServiceContext,
  actor: ChangeActor,
  input: { name: string; prefix: string; defaults?: ApiDefaults; policy?: ApiPolicy },
): Promise<ApiRecord> {
  checkPolicy(input.policy ?? {}, input.defaults ?? {});
  if (input.prefix === ROOT_KEY_PREFIX) {
    // Keys of a customer API must never be mistaken for root keys, by people or by scanners.
    throw new KeywardError("API_PREFIX_RESERVED", `The prefix ${ROOT_KEY_PREFIX} is reserved for Keyward's root keys.`, [
      { pointer: "/body/prefix", message: "reserved" },
    ]);
  }
  const now = ctx.now();
  return ctx.store.transaction(async (store) => {
    const api = await store.apis.create({
      id: createId("api", now, ctx.random),
      workspaceId: actor.workspaceId,
      kind: "customer",
      name: input.name,
      prefix: input.prefix,
      defaults: input.defaults ?? {},
      policy: input.policy ?? {},
      now,
    });
    await recordChange(ctx, store, actor, { action: "api.create", targetId: api.id, after: apiAuditView(api) });
    return api;
  });
}

function checkPolicy(policy: ApiPolicy, defaults: ApiDefaults): void {
  const decision = checkApiPolicy(policy, defaults);
  if (!decision.ok) {
    throw new KeywardError(decision.code, "defaults.expiresInSeconds must not exceed policy.maxLifetimeSeconds.", [
      { pointer: "/body/defaults/expiresInSeconds", message: `at most ${policy.maxLifetimeSeconds} (policy.maxLifetimeSeconds)` },
    ]);
  }
}

async function findApi(store: Store, actor: Actor, apiId: string): Promise<ApiRecord> {
  const api = await store.apis.get(actor.workspaceId, apiId);
  if (!api || api.kind !== "customer") throw new KeywardError("API_NOT_FOUND", `No API ${apiId} in this workspace.`);
  return api;
}

export function getApi(ctx: ServiceContext, actor: Actor, apiId: string): Promise<ApiRecord> {
  return findApi(ctx.store, actor, apiId);
}

export async function listApis(ctx: ServiceContext, actor: Actor, query: PageQuery) {
  return mapPage(await ctx.store.apis.list(actor.workspaceId, toPageRequest(query)), (api) => api);
}

export async function updateApi(
  ctx: ServiceContext,
  actor: ChangeActor,
  apiId: string,
  patch: { name?: string; defaults?: ApiDefaults; policy?: ApiPolicy },
): Promise<ApiRecord> {
  return ctx.store.transaction(async (store) => {
    const before = await findApi(store, actor, apiId);
    // The policy applies to expiries set from now on; existing keys keep theirs.
    checkPolicy(patch.policy ?? before.policy, patch.defaults ?? before.defaults);
    const updated = await store.apis.update(actor.workspaceId, apiId, patch, ctx.now());
    if (!updated) throw new KeywardError("API_NOT_FOUND", `No API ${apiId} in this workspace.`);
    await recordChange(ctx, store, actor, { action: "api.update", targetId: apiId, before: apiAuditView(before), after: apiAuditView(updated) });
    return updated;
  });
}

export async function deleteApi(ctx: ServiceContext, actor: ChangeActor, apiId: string): Promise<void> {
  await ctx.store.transaction(async (store) => {
    const before = await findApi(store, actor, apiId);
    await store.apis.delete(actor.workspaceId, apiId, ctx.now());
    await recordChange(ctx, store, actor, { action: "api.delete", targetId: apiId, before: apiAuditView(before) });
  });
  // Every key of the API stops verifying at once.
  await ctx.invalidation.workspace(actor.workspaceId);
}
