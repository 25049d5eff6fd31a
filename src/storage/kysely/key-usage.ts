// Write-behind of verification usage: lastUsedAt only moves forward, counts only add up.
import { CompiledQuery, sql } from "kysely";
import type { KeyUsage } from "../port.js";
import type { StoreContext } from "./context.js";
import type { ColumnTypeName, DialectProfile } from "./dialect-profile.js";
import { atomic } from "./context.js";

interface MergedUsage {
  lastUsedAt: Date;
  verifications: number;
}

/** One entry per key: several flushes of one node may name a key more than once in a batch. */
function mergeByKey(usage: KeyUsage[]): Map<string, MergedUsage> {
  const merged = new Map<string, MergedUsage>();
  for (const entry of usage) {
    const seen = merged.get(entry.keyId);
    if (!seen) merged.set(entry.keyId, { lastUsedAt: entry.lastUsedAt, verifications: entry.verifications });
    else {
      if (entry.lastUsedAt > seen.lastUsedAt) seen.lastUsedAt = entry.lastUsedAt;
      seen.verifications += entry.verifications;
    }
  }
  return merged;
}

/** A count the database accepts: whole, finite, never negative (a count only grows). */
function countOf(verifications: number): number {
  return Number.isFinite(verifications) && verifications > 0 ? Math.trunc(verifications) : 0;
}

/**
 * Keys per statement: 3 bind parameters each, far below SQLite's (32,766) and PostgreSQL's (65,535)
 * limits. One statement per chunk rather than one per key: a flush of 10,000 keys took ~3 s of
 * event-loop time one UPDATE at a time (query building and statement preparation per key), which every
 * verification waited behind on SQLite's synchronous driver.
 */
const KEYS_PER_STATEMENT = 500;

const typeName = (type: ColumnTypeName) => (typeof type === "string" ? sql.raw(type) : type);

/**
 * The statement's text for a number of rows, compiled by kysely once per dialect profile and row count
 * (flushes repeat the same few sizes); its parameters are id, time and count per row, in row order.
 */
const statementTexts = new WeakMap<DialectProfile, Map<number, string>>();

function statementText(tx: StoreContext, rows: number): string {
  let texts = statementTexts.get(tx.profile);
  if (!texts) statementTexts.set(tx.profile, (texts = new Map()));
  let text = texts.get(rows);
  if (text === undefined) {
    const timeType = typeName(tx.profile.columnTypes.time);
    const countType = typeName(tx.profile.columnTypes.count);
    // Typed here: a bare parameter in VALUES is text to PostgreSQL.
    const values = Array.from({ length: rows }, () => sql`(${""}, cast(${0} as ${timeType}), cast(${0} as ${countType}))`);
    // A portable max(): SQLite's two-argument max() and PostgreSQL's greatest() differ in name and NULLs.
    text = sql`with usage (id, at, n) as (values ${sql.join(values)})
      update keys set
        last_used_at = case when keys.last_used_at is null or keys.last_used_at < usage.at then usage.at else keys.last_used_at end,
        verification_count = keys.verification_count + usage.n
      from usage
      where keys.id = usage.id`.compile(tx.db).sql;
    texts.set(rows, text);
  }
  return text;
}

/** A statement ready to run: its SQL text and bound parameters. */
export interface UsageStatement {
  sql: string;
  parameters: unknown[];
}

/**
 * The statements that write `usage`, to run in one transaction: one per 500 keys, in key-id order. Built
 * here, run by `recordUsage` or, on SQLite, by the usage writer's own connection (sqlite/usage-writer.ts).
 */
export function usageStatements(ctx: StoreContext, usage: KeyUsage[]): UsageStatement[] {
  const merged = mergeByKey(usage);
  // Sorted ids give every flushing node the same row-lock order, so two flushes cannot deadlock.
  const keyIds = [...merged.keys()].sort();
  const statements: UsageStatement[] = [];
  for (let from = 0; from < keyIds.length; from += KEYS_PER_STATEMENT) {
    const chunk = keyIds.slice(from, from + KEYS_PER_STATEMENT);
    const parameters: unknown[] = [];
    for (const keyId of chunk) {
      const entry = merged.get(keyId)!;
      parameters.push(keyId, ctx.profile.time.encode(entry.lastUsedAt), countOf(entry.verifications));
    }
    statements.push({ sql: statementText(ctx, chunk.length), parameters });
  }
  return statements;
}

export function recordUsage(ctx: StoreContext, usage: KeyUsage[]): Promise<void> {
  return runUsageStatements(ctx, usageStatements(ctx, usage));
}

/** Runs statements from `usageStatements` in one transaction. */
export async function runUsageStatements(ctx: StoreContext, statements: UsageStatement[]): Promise<void> {
  if (statements.length === 0) return;
  await atomic(ctx, async (tx) => {
    for (const statement of statements) await tx.db.executeQuery(CompiledQuery.raw(statement.sql, statement.parameters));
  });
}
