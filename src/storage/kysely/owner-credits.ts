// Reading the credit balances of a page of keys or identities at once, so listings make one query, not one per row.
import type { CreditsRecord } from "../../core/index.js";
import type { StoreContext } from "./context.js";
import { toCredits } from "./row-mappers.js";

/**
 * Credits per owner id (owners without credits are absent). The workspace is part of the lookup: a row
 * another workspace wrote for the same id is never attached to this workspace's key or identity.
 */
export async function creditsOf(ctx: StoreContext, workspaceId: string, ownerIds: string[]): Promise<Map<string, CreditsRecord>> {
  const byOwner = new Map<string, CreditsRecord>();
  const ids = [...new Set(ownerIds)];
  if (ids.length === 0) return byOwner;
  const rows = await ctx.db
    .selectFrom("credits")
    .selectAll()
    .where("workspace_id", "=", workspaceId)
    .where("owner_id", "in", ids)
    .execute();
  for (const row of rows) byOwner.set(row.owner_id, toCredits(ctx.profile, row));
  return byOwner;
}
