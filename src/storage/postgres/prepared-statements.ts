// Named prepared statements for the few queries that run on every cache miss. An unnamed statement is
// parsed and planned by PostgreSQL on every call, and planning the verification read (three tables and
// two JSON subqueries) costs more than running it. A named statement is parsed once per connection and,
// after a few runs, PostgreSQL keeps its plan: the cold verify's p99 is measured by `npm run bench`.
//
// kysely's pg driver calls `client.query(text, values)`, with no way to name a statement, so the pool
// is given a client class that names the texts registered here and passes every other query through.
import { createHash } from "node:crypto";
import pg from "pg";

/** SQL text → statement name, for every pool in the process (names are per connection on the server). */
const names = new Map<string, string>();

/**
 * Keep `sql` parsed and planned on every connection that runs it. Only for fixed texts (a bounded set):
 * each name holds server memory for the connection's life. The statement must name its columns (no `*`),
 * so a column added by a later migration does not change a kept statement's result type.
 */
export function keepPrepared(sql: string): void {
  if (!names.has(sql)) names.set(sql, `keyward_${createHash("sha256").update(sql).digest("hex").slice(0, 24)}`);
}

/** pg's Client, naming the statements registered with `keepPrepared`. */
export class PreparingClient extends pg.Client {
  // pg's query has many overloads; this one only rewrites the (text, values[, callback]) form.
  override query(...args: unknown[]): any {
    const [text, values, ...rest] = args;
    if (typeof text === "string") {
      const name = names.get(text);
      if (name !== undefined && (values === undefined || Array.isArray(values))) {
        return (super.query as (...a: unknown[]) => unknown)({ name, text, values }, ...rest);
      }
    }
    return (super.query as (...a: unknown[]) => unknown)(...args);
  }
}
