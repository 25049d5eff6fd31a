// Identities: the owners of keys, addressed by id or by the provider's own externalId.
import { createId, isId, type IdentityRecord, type Meta } from "../core/index.js";
import { KeywardError } from "../errors/index.js";
import type { Actor } from "../auth/index.js";
import { StoreConflictError } from "../storage/port.js";
import type { ServiceContext } from "./context.js";
import { checkMeta } from "./input-checks.js";
import { mapPage, toPageRequest, type PageQuery } from "./pagination.js";

function taken(error: unknown): never {
  if (error instanceof StoreConflictError) {
    throw new KeywardError("IDENTITY_EXTERNAL_ID_TAKEN", "Another identity of this workspace has this externalId.", [
      { pointer: "/body/externalId", message: "taken" },
    ]);
  }
  throw error;
}

export async function createIdentity(ctx: ServiceContext, actor: Actor, input: { externalId: string; meta?: Meta }): Promise<IdentityRecord> {
  checkMeta(input.meta, "/body/meta");
  const now = ctx.now();
  return ctx.store.identities
    .create({ id: createId("id", now, ctx.random), workspaceId: actor.workspaceId, externalId: input.externalId, meta: input.meta ?? {}, now })
    .catch(taken);
}

/** `ref` is an `id_…` id, else an externalId. */
export async function getIdentity(ctx: ServiceContext, actor: Actor, ref: string): Promise<IdentityRecord> {
  const identity =
    (isId("id", ref) ? await ctx.store.identities.get(actor.workspaceId, ref) : null) ??
    (await ctx.store.identities.getByExternalId(actor.workspaceId, ref));
  if (!identity) throw new KeywardError("IDENTITY_NOT_FOUND", `No identity ${ref} in this workspace.`);
  return identity;
}

export async function listIdentities(ctx: ServiceContext, actor: Actor, query: PageQuery) {
  return mapPage(await ctx.store.identities.list(actor.workspaceId, toPageRequest(query)), (identity) => identity);
}

export async function updateIdentity(
  ctx: ServiceContext,
  actor: Actor,
  ref: string,
  patch: { externalId?: string; meta?: Meta },
): Promise<IdentityRecord> {
  checkMeta(patch.meta, "/body/meta");
  const identity = await getIdentity(ctx, actor, ref);
  const updated = await ctx.store.identities.update(actor.workspaceId, identity.id, patch, ctx.now()).catch(taken);
  if (!updated) throw new KeywardError("IDENTITY_NOT_FOUND", `No identity ${ref} in this workspace.`);
  ctx.cache.invalidateWorkspace(actor.workspaceId);
  return updated;
}

export async function deleteIdentity(ctx: ServiceContext, actor: Actor, ref: string): Promise<void> {
  const identity = await getIdentity(ctx, actor, ref);
  await ctx.store.identities.delete(actor.workspaceId, identity.id);
  ctx.cache.invalidateWorkspace(actor.workspaceId);
}
