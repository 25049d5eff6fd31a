// PostgreSQL LISTEN/NOTIFY for a cluster on PostgreSQL without Redis. One dedicated connection
// listens; NOTIFY goes through a second one. A lost listener reconnects with backoff and resyncs,
// since NOTIFY keeps no history for a session that was not listening.
import pg from "pg";
import { channelName, encodeEvent, type ChangeBus, type ChangeEvent, type ChangeSubscriber } from "./port.js";
import { Subscribers } from "./subscribers.js";

export interface PostgresBusOptions {
  connectionString: string;
  namespace?: string;
  logger?: { warn(object: object, message: string): void; info?(object: object, message: string): void };
}

export class PostgresBus implements ChangeBus {
  readonly crossProcess = true;
  private readonly subscribers = new Subscribers();
  private readonly channel: string;
  private readonly notifier: pg.Pool;
  private listener: pg.Client | null = null;
  private closed = false;
  private connected: Promise<void>;
  private attempts = 0;

  constructor(private readonly options: PostgresBusOptions) {
    this.channel = channelName(options.namespace);
    this.notifier = new pg.Pool({ connectionString: options.connectionString, max: 2 });
    this.notifier.on("error", () => {});
    this.connected = this.listen(false);
  }

  /** Resolves once LISTEN is in place (tests, start-up). */
  async ready(): Promise<void> {
    await this.connected;
  }

  private async listen(resync: boolean): Promise<void> {
    while (!this.closed) {
      const client = new pg.Client({ connectionString: this.options.connectionString });
      client.on("error", () => {});
      try {
        await client.connect();
        client.on("notification", (message) => {
          if (message.channel === this.channel && message.payload) this.subscribers.deliver(message.payload);
        });
        client.on("end", () => this.lost(client));
        // A quoted identifier: the channel name carries a ':'.
        await client.query(`LISTEN "${this.channel.replaceAll('"', '""')}"`);
        this.listener = client;
        this.attempts = 0;
        if (resync) {
          this.options.logger?.info?.({}, "change bus: PostgreSQL listener back; dropping caches");
          this.subscribers.resync();
        }
        return;
      } catch {
        await client.end().catch(() => {});
        this.attempts++;
        await new Promise((resolve) => setTimeout(resolve, Math.min(50 * this.attempts, 1_000)));
      }
    }
  }

  private lost(client: pg.Client): void {
    if (this.closed || this.listener !== client) return;
    this.listener = null;
    this.options.logger?.warn({}, "change bus: PostgreSQL listener lost; reconnecting");
    this.connected = this.listen(true);
  }

  async publish(event: ChangeEvent): Promise<void> {
    await this.notifier.query("select pg_notify($1, $2)", [this.channel, encodeEvent(event)]);
  }

  subscribe(subscriber: ChangeSubscriber): () => void {
    return this.subscribers.add(subscriber);
  }

  async close(): Promise<void> {
    this.closed = true;
    const listener = this.listener;
    this.listener = null;
    await listener?.end().catch(() => {});
    await this.notifier.end().catch(() => {});
  }
}
