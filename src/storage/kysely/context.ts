// What every repository receives: a kysely handle (the pool, or one transaction) and the dialect profile.
import type { Kysely } from "kysely";
import type { DialectProfile } from "./dialect-profile.js";
import type { Database } from "./schema.js";

export interface StoreContext {
  readonly db: Kysely<Database>;
  readonly profile: DialectProfile;
}

/**
 * Runs a multi-statement write atomically: in the surrounding transaction when there is one (kysely
 * cannot nest them), else in a new one.
 */
export function atomic<T>(ctx: StoreContext, work: (ctx: StoreContext) => Promise<T>): Promise<T> {
  if (ctx.db.isTransaction) return work(ctx);
  return ctx.db.transaction().execute((trx) => work({ db: trx, profile: ctx.profile }));
}

/** Maps a driver's unique-constraint error to the port's conflict error, rethrowing anything else. */
export function rethrowConflict(ctx: StoreContext, error: unknown, toConflict: () => Error): never {
  throw ctx.profile.isUniqueViolation(error) ? toConflict() : error;
}

/** Number of rows a write touched, as kysely reports it (bigint). */
export function touched(result: { numUpdatedRows?: bigint; numDeletedRows?: bigint }): boolean {
  return (result.numUpdatedRows ?? result.numDeletedRows ?? 0n) > 0n;
}
