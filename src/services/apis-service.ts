// APIs (keyspaces): create, read, list, update, delete within the caller's workspace.
import { createId, type ApiDefaults, type ApiRecord } from "../core/index.js";
import { KeywardError } from "../errors/index.js";
import type { Actor } from "../auth/index.js";
import type { ServiceContext } from "./context.js";
import { ROOT_KEY_PREFIX } from "./root-keys-service.js";
import { mapPage, toPageRequest, type PageQuery } from "./pagination.js";

export async function createApi(
  ctx: ServiceContext,
  actor: Actor,
  input: { name: string; prefix: string; defaults?: ApiDefaults },
): Promise<ApiRecord> {
  if (input.prefix === ROOT_KEY_PREFIX) {
    // Keys of a customer API must never be mistaken for root keys, by people or by scanners.
    throw new KeywardError("API_PREFIX_RESERVED", `The prefix ${ROOT_KEY_PREFIX} is reserved for Keyward's root keys.`, [
      { pointer: "/body/prefix", message: "reserved" },
    ]);
  }
  const now = ctx.now();
  return ctx.store.apis.create({
    id: createId("api", now, ctx.random),
    workspaceId: actor.workspaceId,
    kind: "customer",
    name: input.name,
    prefix: input.prefix,
    defaults: input.defaults ?? {},
    now,
  });
}

export async function getApi(ctx: ServiceContext, actor: Actor, apiId: string): Promise<ApiRecord> {
  const api = await ctx.store.apis.get(actor.workspaceId, apiId);
  if (!api || api.kind !== "customer") throw new KeywardError("API_NOT_FOUND", `No API ${apiId} in this workspace.`);
  return api;
}

export async function listApis(ctx: ServiceContext, actor: Actor, query: PageQuery) {
  return mapPage(await ctx.store.apis.list(actor.workspaceId, toPageRequest(query)), (api) => api);
}

export async function updateApi(
  ctx: ServiceContext,
  actor: Actor,
  apiId: string,
  patch: { name?: string; defaults?: ApiDefaults },
): Promise<ApiRecord> {
  await getApi(ctx, actor, apiId);
  const updated = await ctx.store.apis.update(actor.workspaceId, apiId, patch, ctx.now());
  if (!updated) throw new KeywardError("API_NOT_FOUND", `No API ${apiId} in this workspace.`);
  return updated;
}

export async function deleteApi(ctx: ServiceContext, actor: Actor, apiId: string): Promise<void> {
  await getApi(ctx, actor, apiId);
  await ctx.store.apis.delete(actor.workspaceId, apiId, ctx.now());
  // Every key of the API stops verifying at once.
  await ctx.invalidation.workspace(actor.workspaceId);
}
