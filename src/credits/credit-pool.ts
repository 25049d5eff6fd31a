// Where leased credits wait to be spent: in this process (one node) or in Redis (shared by a cluster).
// The store keeps the rest; a pool that is lost (a crash, a Redis restart) loses only what it held, so
// a failure can make a caller under-spend, never over-spend.
export interface CreditPool {
  /** The pool is shared by every node (Redis): leases from any node serve all. */
  readonly shared: boolean;
  /** Takes `cost` if the pool holds that much; `left` is the balance afterwards (or as it stands). */
  take(ownerId: string, cost: number): Promise<{ ok: boolean; left: number }>;
  /** Adds leased credits; returns the new balance. */
  add(ownerId: string, amount: number): Promise<number>;
  /** Empties the owner's pool and returns what it held. */
  drain(ownerId: string): Promise<number>;
  balance(ownerId: string): Promise<number>;
}

/** One node's pool. Spending is a Map update: nothing leaves the process on the request path. */
export class MemoryCreditPool implements CreditPool {
  readonly shared = false;
  private readonly balances = new Map<string, number>();

  async take(ownerId: string, cost: number) {
    const balance = this.balances.get(ownerId) ?? 0;
    if (balance < cost) return { ok: false, left: balance };
    this.balances.set(ownerId, balance - cost);
    return { ok: true, left: balance - cost };
  }

  async add(ownerId: string, amount: number) {
    const balance = (this.balances.get(ownerId) ?? 0) + amount;
    this.balances.set(ownerId, balance);
    return balance;
  }

  async drain(ownerId: string) {
    const balance = this.balances.get(ownerId) ?? 0;
    this.balances.delete(ownerId);
    return balance;
  }

  async balance(ownerId: string) {
    return this.balances.get(ownerId) ?? 0;
  }

  /** Everything held, for giving back to the store on a graceful shutdown. */
  drainAll(): Map<string, number> {
    const all = new Map(this.balances);
    this.balances.clear();
    return all;
  }
}
