// The verification read runs as a named prepared statement on PostgreSQL (planned once per connection,
// not on every cache miss). What a user would notice if that went wrong: the statement failing after a
// rolling upgrade adds a column to `keys` while old nodes still hold it ("cached plan must not change
// result type"), or answering with stale rows. SQLite caches every statement already and is not involved.
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import type { Store } from "../../src/storage/index.js";
import { keepPrepared, PreparingClient } from "../../src/storage/postgres/prepared-statements.js";
import { storeAdapters, type TestDatabase } from "./adapters.js";
import { newKey, seedTenant } from "./fixtures.js";

const postgresUrl = process.env.KEYWARD_TEST_POSTGRES_URL;
const shared = storeAdapters().filter((adapter) => adapter.name !== "sqlite");

describe.runIf(postgresUrl !== undefined)("PreparingClient", () => {
  it("names a registered text and leaves every other query unnamed", async () => {
    const client = new PreparingClient({ connectionString: postgresUrl });
    await client.connect();
    try {
      keepPrepared("select $1::int + 1 as answer");
      expect((await client.query("select $1::int + 1 as answer", [41])).rows).toEqual([{ answer: 42 }]);
      expect((await client.query("select $1::int + 2 as other", [40])).rows).toEqual([{ other: 42 }]);
      const { rows } = await client.query("select statement from pg_prepared_statements where name like 'keyward_%'");
      expect((rows as { statement: string }[]).map((row) => row.statement)).toEqual(["select $1::int + 1 as answer"]);
    } finally {
      await client.end();
    }
  });
});

describe.runIf(shared.length > 0).each(shared)("verification read as a kept statement: $name", (adapter) => {
  let database: TestDatabase | undefined;
  let store: Store | undefined;

  afterEach(async () => {
    await store?.close();
    await database?.cleanup();
  });

  it("keeps finding keys, with their current rows, after a migration adds a column to keys", async () => {
    database = adapter.newDatabase();
    store = await database.open();
    const tenant = await seedTenant(store);
    const key = await store.keys.create(newKey(tenant, { name: "before" }));
    // Past PostgreSQL's five custom plans, so the connection holds a generic plan too.
    for (let i = 0; i < 8; i++) expect((await store.keys.findForVerification(key.hash))?.key.id).toBe(key.id);

    const raw = await database.connect();
    try {
      await sql`alter table ${sql.table(`${raw.migrationTableSchema}.keys`)} add column added_later text`.execute(raw.db);
    } finally {
      await raw.db.destroy();
    }
    await store.keys.update(tenant.workspace.id, key.id, { name: "after" }, new Date());

    for (let i = 0; i < 3; i++) expect((await store.keys.findForVerification(key.hash))?.key.name).toBe("after");
  });
});
