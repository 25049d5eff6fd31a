// Dropping stale cache entries after a change: at once on this node, then on every other node through
// the change bus. A failed publish is logged, not thrown: the change is committed, and the other
// nodes' entries still end at the cache TTL.
import { LocalBus, type ChangeBus, type ChangeEvent } from "../bus/index.js";
import type { ImportedKeyGate, VerifyCache } from "../verify/index.js";

export interface Invalidation {
  key(keyId: string): Promise<void>;
  workspace(workspaceId: string): Promise<void>;
  /** An import into the API: its keys outside Keyward's format verify, and "unknown" answers are dropped. */
  imports(workspaceId: string, apiId: string): Promise<void>;
  /** Stops applying other nodes' messages. */
  detach(): void;
}

function apply(cache: VerifyCache, gate: ImportedKeyGate | undefined, event: ChangeEvent): void {
  if (event.type === "imports") gate?.add(event.apiId, event.workspaceId);
  // An import also drops the workspace's entries, negative ones included: a key just imported may
  // have been asked for (and answered unknown) a moment ago.
  if (event.type === "key") cache.invalidateKey(event.keyId);
  else cache.invalidateWorkspace(event.workspaceId);
}

export function createInvalidation(
  cache: VerifyCache,
  bus: ChangeBus = new LocalBus(),
  logger?: { warn(object: object, message: string): void },
  gate?: ImportedKeyGate,
): Invalidation {
  const detach = bus.subscribe({
    onEvent: (event) => apply(cache, gate, event),
    // Messages may have been missed while disconnected: nothing cached can be trusted.
    onResync: () => {
      cache.clear();
      void gate?.load();
    },
  });
  const broadcast = async (event: ChangeEvent) => {
    apply(cache, gate, event);
    await bus.publish(event).catch((error: unknown) => logger?.warn({ err: error, event: event.type }, "change bus: publish failed; other nodes catch up at the cache TTL"));
  };
  return {
    key: (keyId) => broadcast({ type: "key", keyId }),
    workspace: (workspaceId) => broadcast({ type: "workspace", workspaceId }),
    imports: (workspaceId, apiId) => broadcast({ type: "imports", workspaceId, apiId }),
    detach,
  };
}
