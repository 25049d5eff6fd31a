// The credit operations nodes run while serving: lease, give back, refill, mark low. Each is a guarded
// single-row UPDATE whose WHERE re-checks the balance it relies on, so any number of nodes on one database
// (PostgreSQL, or SQLite from several processes) never grant the same credits twice, with no row locks held
// across statements and no dialect-specific locking.
import type { CreditStore } from "../port.js";
import type { StoreContext } from "./context.js";
import { touched } from "./context.js";

/**
 * Credits are whole numbers. A fraction would be kept as a REAL by SQLite and refused by PostgreSQL's
 * bigint, so both truncate it here instead; NaN and infinities count as 0. Ranges are the services' job.
 */
export function wholeCredits(amount: number): number {
  return Number.isFinite(amount) ? Math.trunc(amount) : 0;
}

type BalanceOperations = Pick<CreditStore, "lease" | "giveBack" | "refill" | "markLow">;

export function createCreditBalance(ctx: StoreContext): BalanceOperations {
  const { db, profile } = ctx;
  const byOwner = (ownerId: string) => db.updateTable("credits").where("owner_id", "=", ownerId);

  async function storedRemaining(ownerId: string): Promise<number | null> {
    const row = await db.selectFrom("credits").select("remaining").where("owner_id", "=", ownerId).executeTakeFirst();
    return row ? Number(row.remaining) : null;
  }

  return {
    async lease(ownerId, want) {
      const amount = wholeCredits(want);
      if (amount <= 0) return { granted: 0, remaining: (await storedRemaining(ownerId)) ?? 0 };
      // Compare-and-swap: the common case takes `amount` in one statement. When fewer are left, the rest is
      // taken only if the balance is still what was read; a lost race reads again. Every failed round means
      // another writer changed the row, so the loop always makes progress somewhere.
      for (;;) {
        const taken = await byOwner(ownerId)
          .set((eb) => ({ remaining: eb("remaining", "-", amount) }))
          .where("remaining", ">=", amount)
          .returning("remaining")
          .executeTakeFirst();
        if (taken) return { granted: amount, remaining: Number(taken.remaining) };

        const left = await storedRemaining(ownerId);
        if (left === null) return { granted: 0, remaining: 0 };
        if (left <= 0) return { granted: 0, remaining: left };
        const drained = await byOwner(ownerId).set({ remaining: 0 }).where("remaining", "=", left).executeTakeFirst();
        if (touched(drained)) return { granted: left, remaining: 0 };
      }
    },

    async giveBack(ownerId, amount) {
      const returned = wholeCredits(amount);
      // A negative amount would be a lease that bypasses the guard above.
      if (returned <= 0) return;
      await byOwner(ownerId)
        .set((eb) => ({ remaining: eb("remaining", "+", returned) }))
        .execute();
    },

    async refill(ownerId, amount, boundary) {
      const at = profile.time.encode(boundary);
      // The boundary check is the race guard: the first node to write this boundary wins, later ones see it.
      const result = await byOwner(ownerId)
        .set({ remaining: wholeCredits(amount), refilled_at: at, low_at: null })
        .where((eb) => eb.or([eb("refilled_at", "is", null), eb("refilled_at", "<", at)]))
        .executeTakeFirst();
      return touched(result);
    },

    async markLow(ownerId, at) {
      const result = await byOwner(ownerId).set({ low_at: profile.time.encode(at) }).where("low_at", "is", null).executeTakeFirst();
      return touched(result);
    },
  };
}

