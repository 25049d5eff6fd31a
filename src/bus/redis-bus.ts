// Redis pub/sub: one connection publishes, a second one subscribes (a subscribed connection can do
// nothing else). Pub/sub keeps no history, so after a reconnect the node resyncs (drops its cache).
import { Redis } from "ioredis";
import { channelName, encodeEvent, type ChangeBus, type ChangeEvent, type ChangeSubscriber } from "./port.js";
import { Subscribers } from "./subscribers.js";

export interface RedisBusOptions {
  url: string;
  /** Separates installs (and test runs) that share one Redis. */
  namespace?: string;
  logger?: { warn(object: object, message: string): void };
}

const RECONNECT = { retryStrategy: (attempt: number) => Math.min(50 * attempt, 1_000), maxRetriesPerRequest: 1, enableOfflineQueue: false };

export class RedisBus implements ChangeBus {
  readonly crossProcess = true;
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly subscribers = new Subscribers();
  private readonly channel: string;
  private connectedOnce = false;
  private lost = false;

  constructor(options: RedisBusOptions) {
    this.channel = channelName(options.namespace);
    this.publisher = new Redis(options.url, RECONNECT);
    // The subscriber queues its SUBSCRIBE until connected, and re-subscribes by itself on reconnect.
    this.subscriber = new Redis(options.url, { retryStrategy: RECONNECT.retryStrategy });
    for (const client of [this.publisher, this.subscriber]) client.on("error", () => {});
    this.subscriber.on("message", (_channel: string, message: string) => this.subscribers.deliver(message));
    this.subscriber.on("close", () => {
      if (this.connectedOnce && !this.lost) {
        this.lost = true;
        options.logger?.warn({}, "change bus: Redis connection lost; caches will be dropped when it returns");
      }
    });
    this.subscriber.on("ready", () => {
      if (this.lost) this.subscribers.resync();
      this.lost = false;
      this.connectedOnce = true;
    });
    void this.subscriber.subscribe(this.channel).catch(() => {});
  }

  /** Resolves once the subscription is live (tests, start-up). */
  async ready(timeoutMs = 5_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.subscriber.status === "ready" && this.publisher.status === "ready") return true;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return false;
  }

  async publish(event: ChangeEvent): Promise<void> {
    await this.publisher.publish(this.channel, encodeEvent(event));
  }

  subscribe(subscriber: ChangeSubscriber): () => void {
    return this.subscribers.add(subscriber);
  }

  async close(): Promise<void> {
    this.subscriber.disconnect();
    this.publisher.disconnect();
  }
}
