// One process: the node that made a change already dropped its own cache entries; nothing to carry.
import type { ChangeBus, ChangeSubscriber } from "./port.js";

export class LocalBus implements ChangeBus {
  readonly crossProcess = false;

  async publish(): Promise<void> {}

  subscribe(_subscriber: ChangeSubscriber): () => void {
    return () => {};
  }

  async close(): Promise<void> {}
}
