// A key names its owner by identityId, or by externalId (the provider's own id), created on first use.
import { createId, type IdentityRecord, type RandomBytes } from "../core/index.js";
import { KeywardError } from "../errors/index.js";
import type { Store } from "../storage/port.js";

/** `created` receives an identity made here on first use (its audit entry is the caller's to write). */
export async function resolveIdentity(
  store: Store,
  workspaceId: string,
  ref: { identityId?: string | null; externalId?: string },
  now: Date,
  random: RandomBytes,
  created?: IdentityRecord[],
): Promise<IdentityRecord | null> {
  if (ref.identityId) {
    const identity = await store.identities.get(workspaceId, ref.identityId);
    if (!identity) {
      throw new KeywardError("UNKNOWN_IDENTITY", `No identity ${ref.identityId} in this workspace.`, [
        { pointer: "/body/identityId", message: "no such identity" },
      ]);
    }
    return identity;
  }
  if (ref.externalId === undefined) return null;
  const existing = await store.identities.getByExternalId(workspaceId, ref.externalId);
  if (existing) return existing;
  const identity = await store.identities.create({ id: createId("id", now, random), workspaceId, externalId: ref.externalId, meta: {}, now });
  created?.push(identity);
  return identity;
}
