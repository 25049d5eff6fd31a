// Counter children for the hot path: a plain number incremented per call and folded into the prom-client
// counter when the registry is read. prom-client hashes and validates the label object on every `inc`,
// even of a child bound with `labels()`, which the verify path would pay twice per verification.
import type { Counter } from "prom-client";

export interface Tally {
  inc(): void;
}

interface PendingTally {
  labels: Record<string, string>;
  pending: number;
}

const talliesByCounter = new WeakMap<Counter<string>, PendingTally[]>();

function fold(tallies: PendingTally[], counter: Counter<string>): void {
  for (const tally of tallies) {
    if (tally.pending === 0) continue;
    const pending = tally.pending;
    tally.pending = 0;
    counter.inc(tally.labels, pending);
  }
}

/** A child of `counter` for `labels`; what it counted shows in every read of the registry (a `collect`). */
export function createTally<L extends string>(counter: Counter<L>, labels: Record<L, string>): Tally {
  const owner = counter as unknown as Counter<string> & { collect?: () => unknown };
  let tallies = talliesByCounter.get(owner);
  if (tallies === undefined) {
    const registered: PendingTally[] = [];
    tallies = registered;
    talliesByCounter.set(owner, registered);
    const before = owner.collect;
    owner.collect = function collect(this: unknown) {
      fold(registered, owner);
      return before?.call(this);
    };
  }
  const tally: PendingTally = { labels: { ...labels }, pending: 0 };
  tallies.push(tally);
  return {
    inc() {
      tally.pending++;
    },
  };
}
