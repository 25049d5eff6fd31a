// Spending credits without a database write per call and without ever spending a credit twice:
// credits are leased from the store in blocks (one guarded atomic UPDATE per block) into a pool
// (memory, or Redis for a cluster), and each verification takes from the pool. A crash loses at most
// the pool's unspent lease, so a failure can only under-spend. A refill or a change through the API
// empties the pool, since it replaces what the store holds.
import { dueRefill, type CreditsRecord } from "../core/index.js";
import type { CreditStore } from "../storage/port.js";
import type { CreditPool } from "./credit-pool.js";

export interface SpendResult {
  ok: boolean;
  /** Credits left (pool + store) after this call. */
  remaining: number;
}

export interface CreditLedgerOptions {
  store: CreditStore;
  pool: CreditPool;
  /** Credits leased per store write; bounds what a crash can lose. */
  blockSize?: number;
  /** Called once when a balance falls to or below its owner's threshold and the store recorded it. */
  onLow?: (owner: CreditsRecord, remaining: number) => void;
  /**
   * Records the crossing; true when this call did. Default: `store.markLow`. The service context marks and
   * writes the `credits.low` audit entry in one transaction (services/credits-low.ts).
   */
  recordLow?: (owner: CreditsRecord, at: Date, remaining: number) => Promise<boolean>;
  /** Called when this node refilled an owner (cached records of its keys are stale). */
  onRefill?: (owner: CreditsRecord) => void;
  logger?: { warn(object: object, message: string): void };
}

interface OwnerState {
  /** What the store held after this node's last lease or refill. */
  storeRemaining: number;
  refilledAt: number | null;
  lowRecorded: boolean;
}

export class CreditLedger {
  private readonly owners = new Map<string, OwnerState>();
  private readonly blockSize: number;

  constructor(private readonly options: CreditLedgerOptions) {
    this.blockSize = options.blockSize ?? 100;
  }

  private state(owner: CreditsRecord): OwnerState {
    let state = this.owners.get(owner.ownerId);
    if (!state) {
      state = { storeRemaining: owner.remaining, refilledAt: owner.refilledAt?.getTime() ?? null, lowRecorded: owner.lowAt !== null };
      this.owners.set(owner.ownerId, state);
    }
    return state;
  }

  /** Takes `cost` credits, or nothing when fewer remain. */
  async spend(owner: CreditsRecord, cost: number, now: number): Promise<SpendResult> {
    const { pool, store } = this.options;
    const state = this.state(owner);
    await this.refillIfDue(owner, state, now);
    let taken = await pool.take(owner.ownerId, cost);
    if (!taken.ok) {
      const lease = await store.lease(owner.ownerId, Math.max(cost - taken.left, this.blockSize));
      state.storeRemaining = lease.remaining;
      if (lease.granted > 0) await pool.add(owner.ownerId, lease.granted);
      taken = await pool.take(owner.ownerId, cost);
    }
    const remaining = taken.left + state.storeRemaining;
    if (taken.ok) this.checkLow(owner, state, remaining, now);
    return { ok: taken.ok, remaining };
  }

  /** Credits left without spending: pool plus what the store held at this node's last look. */
  async remaining(owner: CreditsRecord): Promise<number> {
    const state = this.owners.get(owner.ownerId);
    return (await this.options.pool.balance(owner.ownerId)) + (state?.storeRemaining ?? owner.remaining);
  }

  /**
   * Before the API sets or adjusts an owner's credits: empties the pool and forgets local state.
   * Returns what the pool held, which an adjustment adds back to the store.
   */
  async reclaim(ownerId: string): Promise<number> {
    this.owners.delete(ownerId);
    return this.options.pool.drain(ownerId);
  }

  /** On a graceful shutdown of a node with a private pool: unspent leases go back to the store. */
  async returnLeases(balances: Map<string, number>): Promise<void> {
    for (const [ownerId, amount] of balances) if (amount > 0) await this.options.store.giveBack(ownerId, amount);
  }

  private async refillIfDue(owner: CreditsRecord, state: OwnerState, now: number): Promise<void> {
    const boundary = dueRefill(owner.refill, state.refilledAt, now);
    if (boundary === null || !owner.refill) return;
    const refilled = await this.options.store.refill(owner.ownerId, owner.refill.amount, new Date(boundary));
    state.refilledAt = boundary;
    state.lowRecorded = false;
    if (refilled) {
      await this.options.pool.drain(owner.ownerId);
      state.storeRemaining = owner.refill.amount;
      this.options.onRefill?.(owner);
    } else {
      // Another node refilled first; its lease state is in the shared pool or the store.
      const current = await this.options.store.get(owner.workspaceId, owner.ownerId);
      state.storeRemaining = current?.remaining ?? 0;
    }
  }

  private checkLow(owner: CreditsRecord, state: OwnerState, remaining: number, now: number): void {
    if (owner.lowThreshold === null || remaining > owner.lowThreshold || state.lowRecorded) return;
    state.lowRecorded = true;
    // Recorded behind the answer: at most one write per threshold crossing, never awaited by the caller.
    const record = this.options.recordLow ?? ((low: CreditsRecord, at: Date) => this.options.store.markLow(low.ownerId, at));
    record(owner, new Date(now), remaining).then(
      (recorded) => {
        if (recorded) this.options.onLow?.(owner, remaining);
      },
      (error: unknown) => this.options.logger?.warn({ err: error }, "could not record credits.low"),
    );
  }
}
