// Dropping stale cache entries after a change: at once on this node, then on every other node through
// the change bus. A failed publish is logged, not thrown: the change is committed, and the other
// nodes' entries still end at the cache TTL.
import { LocalBus, type ChangeBus, type ChangeEvent } from "../bus/index.js";
import type { VerifyCache } from "../verify/index.js";

export interface Invalidation {
  key(keyId: string): Promise<void>;
  workspace(workspaceId: string): Promise<void>;
  /** Stops applying other nodes' messages. */
  detach(): void;
}

function apply(cache: VerifyCache, event: ChangeEvent): void {
  if (event.type === "key") cache.invalidateKey(event.keyId);
  else cache.invalidateWorkspace(event.workspaceId);
}

export function createInvalidation(
  cache: VerifyCache,
  bus: ChangeBus = new LocalBus(),
  logger?: { warn(object: object, message: string): void },
): Invalidation {
  const detach = bus.subscribe({
    onEvent: (event) => apply(cache, event),
    // Messages may have been missed while disconnected: nothing cached can be trusted.
    onResync: () => cache.clear(),
  });
  const broadcast = async (event: ChangeEvent) => {
    apply(cache, event);
    await bus.publish(event).catch((error: unknown) => logger?.warn({ err: error, event: event.type }, "change bus: publish failed; other nodes catch up at the cache TTL"));
  };
  return {
    key: (keyId) => broadcast({ type: "key", keyId }),
    workspace: (workspaceId) => broadcast({ type: "workspace", workspaceId }),
    detach,
  };
}
