// "Due" conditions on keys shared by the listing (`expiringWithin`) and the lifecycle sweeper: expiry in a
// window, and rotation due by a time. A rotation is due at (rotated_at, else created_at) + period; the
// condition compares those columns with `until - period`, so no dialect needs time arithmetic in SQL.
import type { ExpressionBuilder } from "kysely";
import type { ApiPolicy } from "../../core/index.js";
import type { StoreContext } from "./context.js";
import type { Database } from "./schema.js";

type KeysEb = ExpressionBuilder<Database, "keys">;

/** expires_at in (now, until]. */
export function expiresWithin(ctx: StoreContext, eb: KeysEb, now: Date, until: Date) {
  const { time } = ctx.profile;
  return eb.and([eb("keys.expires_at", ">", time.encode(now)), eb("keys.expires_at", "<=", time.encode(until))]);
}

/** Not expired at `now`: no expiry, or one still ahead. */
export function notExpired(ctx: StoreContext, eb: KeysEb, now: Date) {
  return eb.or([eb("keys.expires_at", "is", null), eb("keys.expires_at", ">", ctx.profile.time.encode(now))]);
}

/** Rotation due by `until` under `rotationPeriodSeconds`, overdue included. */
export function rotationDueBy(ctx: StoreContext, eb: KeysEb, rotationPeriodSeconds: number, until: Date) {
  const issuedBy = ctx.profile.time.encode(new Date(until.getTime() - rotationPeriodSeconds * 1000));
  // Two branches rather than coalesce(), so each can use an index on its column.
  return eb.or([
    eb.and([eb("keys.rotated_at", "is", null), eb("keys.created_at", "<=", issuedBy)]),
    eb("keys.rotated_at", "<=", issuedBy),
  ]);
}

/** Rotation periods of the workspace's live APIs that have one. */
export async function rotationPeriodsOf(ctx: StoreContext, workspaceId: string): Promise<Array<{ apiId: string; seconds: number }>> {
  const rows = await ctx.db
    .selectFrom("apis")
    .select(["id", "policy"])
    .where("workspace_id", "=", workspaceId)
    .where("deleted_at", "is", null)
    .where("policy", "is not", null)
    .execute();
  return rows.flatMap((row) => {
    const seconds = (ctx.profile.json.decode(row.policy!) as ApiPolicy).rotationPeriodSeconds;
    return seconds === undefined ? [] : [{ apiId: row.id, seconds }];
  });
}

/** The listing's `dueBy` filter (port.ts KeyFilter): expiring in (now, until], or rotation due by until. */
export function dueBy(ctx: StoreContext, eb: KeysEb, due: { now: Date; until: Date }, periods: Array<{ apiId: string; seconds: number }>) {
  return eb.and([
    eb("keys.revoked_at", "is", null),
    eb.or([
      expiresWithin(ctx, eb, due.now, due.until),
      ...periods.map(({ apiId, seconds }) =>
        eb.and([eb("keys.api_id", "=", apiId), notExpired(ctx, eb, due.now), rotationDueBy(ctx, eb, seconds, due.until)]),
      ),
    ]),
  ]);
}

/** Rotation periods of the given APIs (deleted or not) that have one, by API id. */
export async function rotationPeriodsByApi(ctx: StoreContext, apiIds: readonly string[]): Promise<Map<string, number>> {
  const periods = new Map<string, number>();
  if (apiIds.length === 0) return periods;
  const rows = await ctx.db.selectFrom("apis").select(["id", "policy"]).where("id", "in", [...new Set(apiIds)]).where("policy", "is not", null).execute();
  for (const row of rows) {
    const seconds = (ctx.profile.json.decode(row.policy!) as ApiPolicy).rotationPeriodSeconds;
    if (seconds !== undefined) periods.set(row.id, seconds);
  }
  return periods;
}
