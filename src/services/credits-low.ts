// `credits.low`: the first crossing of an owner's threshold is marked and audited in one transaction, so
// of several nodes crossing it at once exactly one writes the entry (and so sends the webhook). Runs
// behind the verification answer, never awaited by the caller.
import { creditsView } from "../audit/audit-views.js";
import type { CreditsRecord } from "../core/index.js";
import { recordSystemChange } from "./audit-trail.js";
import type { ServiceContext } from "./context.js";

/** True when this call recorded the crossing. `remaining` is what the owner can still spend (pool included). */
export function recordCreditsLow(ctx: ServiceContext, owner: CreditsRecord, at: Date, remaining: number): Promise<boolean> {
  return ctx.store.transaction(async (store) => {
    if (!(await store.credits.markLow(owner.ownerId, at))) return false;
    const current = (await store.credits.get(owner.workspaceId, owner.ownerId)) ?? owner;
    await recordSystemChange(ctx, store, { workspaceId: owner.workspaceId }, {
      action: "credits.low",
      targetId: owner.ownerId,
      after: { ownerId: owner.ownerId, ...creditsView(current), remaining },
    });
    return true;
  });
}
