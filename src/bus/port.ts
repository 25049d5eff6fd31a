// The change bus: tells every node which cached keys a change made stale, so a revocation, a
// disablement or a permission change is refused everywhere within milliseconds, not after a cache TTL.
// Adapters: local (one process), Redis pub/sub, PostgreSQL LISTEN/NOTIFY; one contract suite.

/**
 * What went stale: one key, everything of a workspace (roles, identities, APIs), or an API that now
 * holds imported keys (the verifier starts looking up its keys that are not in Keyward's format).
 */
export type ChangeEvent =
  | { type: "key"; keyId: string }
  | { type: "workspace"; workspaceId: string }
  | { type: "imports"; workspaceId: string; apiId: string };

export interface ChangeSubscriber {
  onEvent(event: ChangeEvent): void;
  /**
   * The connection was lost and is back: messages may have been missed, so whatever the node cached
   * must be dropped.
   */
  onResync(): void;
}

export interface ChangeBus {
  /** Messages reach other processes (false for the local bus). */
  readonly crossProcess: boolean;
  /** Resolves when the message was handed to the backend. */
  publish(event: ChangeEvent): Promise<void>;
  subscribe(subscriber: ChangeSubscriber): () => void;
  close(): Promise<void>;
}

const CHANNEL_PREFIX = "keyward:changes";

export function channelName(namespace?: string): string {
  return namespace ? `${CHANNEL_PREFIX}:${namespace}` : CHANNEL_PREFIX;
}

export function encodeEvent(event: ChangeEvent): string {
  return JSON.stringify(event);
}

/** Messages from the wire are checked: a malformed one is dropped, never applied. */
export function decodeEvent(text: string): ChangeEvent | null {
  try {
    const value = JSON.parse(text) as Record<string, unknown>;
    if (value.type === "key" && typeof value.keyId === "string") return { type: "key", keyId: value.keyId };
    if (value.type === "workspace" && typeof value.workspaceId === "string") return { type: "workspace", workspaceId: value.workspaceId };
    if (value.type === "imports" && typeof value.workspaceId === "string" && typeof value.apiId === "string") {
      return { type: "imports", workspaceId: value.workspaceId, apiId: value.apiId };
    }
  } catch {
    // dropped below
  }
  return null;
}
