// Credits set, added or subtracted through the API. Leased, unspent credits are taken back from the
// pool first, so the store's value is the whole truth when the change is written.
import type { CreditRefill, CreditsRecord } from "../core/index.js";
import { KeywardError } from "../errors/index.js";
import type { Store } from "../storage/port.js";
import type { ServiceContext } from "./context.js";

export interface CreditsInput {
  remaining: number;
  refill?: CreditRefill | null;
  lowThreshold?: number | null;
}

/** `remaining` sets; `add` / `subtract` adjust; `refill` and `lowThreshold` reconfigure. */
export interface CreditsPatch {
  remaining?: number;
  add?: number;
  subtract?: number;
  refill?: CreditRefill | null;
  lowThreshold?: number | null;
}

export async function setCredits(ctx: ServiceContext, store: Store, workspaceId: string, ownerId: string, input: CreditsInput): Promise<void> {
  // Whatever the pool held belonged to the old balance, which this replaces.
  await ctx.ledger.reclaim(ownerId);
  await store.credits.set({
    workspaceId,
    ownerId,
    remaining: input.remaining,
    refill: input.refill ?? null,
    lowThreshold: input.lowThreshold ?? null,
    now: ctx.now(),
  });
}

export async function patchCredits(
  ctx: ServiceContext,
  store: Store,
  workspaceId: string,
  ownerId: string,
  patch: CreditsPatch | null,
): Promise<void> {
  const now = ctx.now();
  if (patch === null) {
    await ctx.ledger.reclaim(ownerId);
    await store.credits.remove(workspaceId, ownerId);
    return;
  }
  const existing = await store.credits.get(workspaceId, ownerId);
  if (patch.remaining !== undefined) {
    await setCredits(ctx, store, workspaceId, ownerId, {
      remaining: patch.remaining,
      refill: patch.refill !== undefined ? patch.refill : (existing?.refill ?? null),
      lowThreshold: patch.lowThreshold !== undefined ? patch.lowThreshold : (existing?.lowThreshold ?? null),
    });
    return;
  }
  if (!existing) {
    throw new KeywardError("CREDITS_NOT_SET", "Set credits.remaining first; this key or identity has unlimited usage.", [
      { pointer: "/body/credits", message: "no credits to change" },
    ]);
  }
  const delta = (patch.add ?? 0) - (patch.subtract ?? 0);
  if (patch.add !== undefined || patch.subtract !== undefined) {
    const reclaimed = await ctx.ledger.reclaim(ownerId);
    await store.credits.adjust(workspaceId, ownerId, reclaimed + delta, now);
  }
  if (patch.refill !== undefined || patch.lowThreshold !== undefined) {
    await store.credits.configure(
      workspaceId,
      ownerId,
      { ...(patch.refill !== undefined ? { refill: patch.refill } : {}), ...(patch.lowThreshold !== undefined ? { lowThreshold: patch.lowThreshold } : {}) },
      now,
    );
  }
}

/** The balance callers see: the store's value plus what this node's (or the cluster's) pool holds. */
export async function creditsRemaining(ctx: ServiceContext, credits: CreditsRecord | null): Promise<number | null> {
  return credits ? ctx.ledger.remaining(credits) : null;
}
