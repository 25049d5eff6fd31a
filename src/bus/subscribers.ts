// A set of subscribers that one adapter fans messages out to.
import { decodeEvent, type ChangeSubscriber } from "./port.js";

export class Subscribers {
  private readonly all = new Set<ChangeSubscriber>();

  add(subscriber: ChangeSubscriber): () => void {
    this.all.add(subscriber);
    return () => this.all.delete(subscriber);
  }

  deliver(text: string): void {
    const event = decodeEvent(text);
    if (event) for (const subscriber of this.all) subscriber.onEvent(event);
  }

  resync(): void {
    for (const subscriber of this.all) subscriber.onResync();
  }
}
