// The shared Redis pool with a local fallback: while Redis cannot be reached, this node spends from a
// pool of its own (still leased from the store, so nothing can be spent twice); once Redis answers
// again, what the local pool still holds goes back to the store.
import { MemoryCreditPool, type CreditPool } from "./credit-pool.js";

export interface FallbackCreditPoolOptions {
  primary: CreditPool;
  /** Returns unspent local credits to the store when the primary is back. */
  giveBack(ownerId: string, amount: number): Promise<void>;
  logger: { warn(object: object, message: string): void; info(object: object, message: string): void };
  onStateChange?: (degraded: boolean) => void;
}

export class FallbackCreditPool implements CreditPool {
  readonly shared = true;
  private readonly local = new MemoryCreditPool();
  private degraded = false;

  constructor(private readonly options: FallbackCreditPoolOptions) {}

  get isDegraded(): boolean {
    return this.degraded;
  }

  private async run<T>(operation: (pool: CreditPool) => Promise<T>): Promise<T> {
    try {
      const result = await operation(this.options.primary);
      if (this.degraded) await this.recover();
      return result;
    } catch (error) {
      if (!this.degraded) {
        this.degraded = true;
        this.options.logger.warn({ err: error }, "credit pool: Redis unreachable, spending from a local pool");
        this.options.onStateChange?.(true);
      }
      return operation(this.local);
    }
  }

  private async recover(): Promise<void> {
    this.degraded = false;
    this.options.logger.info({}, "credit pool: Redis reachable again");
    this.options.onStateChange?.(false);
    for (const [ownerId, amount] of this.local.drainAll()) if (amount > 0) await this.options.giveBack(ownerId, amount);
  }

  take(ownerId: string, cost: number) {
    return this.run((pool) => pool.take(ownerId, cost));
  }

  add(ownerId: string, amount: number) {
    return this.run((pool) => pool.add(ownerId, amount));
  }

  /** Drains both pools: a change through the API must see every leased credit. */
  async drain(ownerId: string) {
    return (await this.local.drain(ownerId)) + (await this.run((pool) => pool.drain(ownerId)));
  }

  async balance(ownerId: string) {
    return (await this.local.balance(ownerId)) + (await this.run((pool) => pool.balance(ownerId)));
  }

  /** On shutdown: only the local pool is this node's to give back. */
  drainLocal(): Map<string, number> {
    return this.local.drainAll();
  }
}
