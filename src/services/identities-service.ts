// Identities: the owners of keys, addressed by id or by the provider's own externalId. Their rate
// limits and credits are shared by all of their keys.
import { createId, isId, type IdentityRecord, type Meta } from "../core/index.js";
import { KeywardError } from "../errors/index.js";
import type { Actor } from "../auth/index.js";
import { identityAuditView } from "../audit/audit-views.js";
import { StoreConflictError, type Store } from "../storage/port.js";
import { recordChange, type ChangeActor } from "./audit-trail.js";
import type { ServiceContext } from "./context.js";
import { creditsRemaining, patchCredits, setCredits, type CreditsInput, type CreditsPatch } from "./credits-service.js";
import { checkMeta } from "./input-checks.js";
import { mapPage, toPageRequest, type PageQuery } from "./pagination.js";
import { checkRateLimits, withDefaults, type RateLimitInput } from "./ratelimit-checks.js";

export interface IdentityView {
  identity: IdentityRecord;
  creditsRemaining: number | null;
}

function taken(error: unknown): never {
  if (error instanceof StoreConflictError) {
    throw new KeywardError("IDENTITY_EXTERNAL_ID_TAKEN", "Another identity of this workspace has this externalId.", [
      { pointer: "/body/externalId", message: "taken" },
    ]);
  }
  throw error;
}

async function toView(ctx: ServiceContext, identity: IdentityRecord): Promise<IdentityView> {
  return { identity, creditsRemaining: await creditsRemaining(ctx, identity.credits) };
}

export async function createIdentity(
  ctx: ServiceContext,
  actor: ChangeActor,
  input: { externalId: string; meta?: Meta; ratelimits?: RateLimitInput[]; credits?: CreditsInput | null },
): Promise<IdentityView> {
  checkMeta(input.meta, "/body/meta");
  checkRateLimits(input.ratelimits, "/body/ratelimits");
  const now = ctx.now();
  const identity = await ctx.store.transaction(async (store) => {
    const created = await store.identities
      .create({
        id: createId("id", now, ctx.random),
        workspaceId: actor.workspaceId,
        externalId: input.externalId,
        meta: input.meta ?? {},
        ratelimits: withDefaults(input.ratelimits) ?? [],
        now,
      })
      .catch(taken);
    if (input.credits) await setCredits(ctx, store, actor.workspaceId, created.id, input.credits);
    const identity = input.credits ? ((await store.identities.get(actor.workspaceId, created.id)) ?? created) : created;
    await recordChange(ctx, store, actor, { action: "identity.create", targetId: identity.id, after: identityAuditView(identity) });
    return identity;
  });
  return toView(ctx, identity);
}

/** `ref` is an `id_…` id, else an externalId. */
async function findIdentityIn(store: Store, actor: Actor, ref: string): Promise<IdentityRecord> {
  const identity = (isId("id", ref) ? await store.identities.get(actor.workspaceId, ref) : null) ?? (await store.identities.getByExternalId(actor.workspaceId, ref));
  if (!identity) throw new KeywardError("IDENTITY_NOT_FOUND", `No identity ${ref} in this workspace.`);
  return identity;
}

export function findIdentity(ctx: ServiceContext, actor: Actor, ref: string): Promise<IdentityRecord> {
  return findIdentityIn(ctx.store, actor, ref);
}

export async function getIdentity(ctx: ServiceContext, actor: Actor, ref: string): Promise<IdentityView> {
  return toView(ctx, await findIdentity(ctx, actor, ref));
}

export async function listIdentities(ctx: ServiceContext, actor: Actor, query: PageQuery) {
  const page = await ctx.store.identities.list(actor.workspaceId, toPageRequest(query));
  const views = await Promise.all(page.items.map((identity) => toView(ctx, identity)));
  return mapPage({ items: views, nextCursor: page.nextCursor }, (view) => view);
}

export async function updateIdentity(
  ctx: ServiceContext,
  actor: ChangeActor,
  ref: string,
  patch: { externalId?: string; meta?: Meta; ratelimits?: RateLimitInput[]; credits?: CreditsPatch | null },
): Promise<IdentityView> {
  checkMeta(patch.meta, "/body/meta");
  checkRateLimits(patch.ratelimits, "/body/ratelimits");
  const identity = await findIdentity(ctx, actor, ref);
  const updated = await ctx.store.transaction(async (store) => {
    const before = await findIdentityIn(store, actor, identity.id);
    if (patch.credits !== undefined) await patchCredits(ctx, store, actor.workspaceId, identity.id, patch.credits);
    const { credits: _credits, ratelimits, ...fields } = patch;
    const after = await store.identities
      .update(actor.workspaceId, identity.id, { ...fields, ...(ratelimits !== undefined ? { ratelimits: withDefaults(ratelimits)! } : {}) }, ctx.now())
      .catch(taken);
    if (!after) throw new KeywardError("IDENTITY_NOT_FOUND", `No identity ${ref} in this workspace.`);
    await recordChange(ctx, store, actor, { action: "identity.update", targetId: identity.id, before: identityAuditView(before), after: identityAuditView(after) });
    return after;
  });
  // Every cached key of the identity carries its limits and credits.
  await ctx.invalidation.workspace(actor.workspaceId);
  return toView(ctx, updated);
}

export async function deleteIdentity(ctx: ServiceContext, actor: ChangeActor, ref: string): Promise<void> {
  const identity = await findIdentity(ctx, actor, ref);
  await ctx.ledger.reclaim(identity.id);
  await ctx.store.transaction(async (store) => {
    // Read again in the transaction: the view shows the credits the pool just gave back.
    const before = await findIdentityIn(store, actor, identity.id);
    await store.identities.delete(actor.workspaceId, identity.id);
    await recordChange(ctx, store, actor, { action: "identity.delete", targetId: identity.id, before: identityAuditView(before) });
  });
  await ctx.invalidation.workspace(actor.workspaceId);
}
