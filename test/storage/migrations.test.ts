// Upgrading a database: rows written under an older schema read back correctly after the newer migrations.
import { Migrator, type Kysely } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { initialMigration } from "../../src/storage/kysely/migrations/0001-initial.js";
import type { Store } from "../../src/storage/index.js";
import { storeAdapters, type RawDatabase, type TestDatabase } from "./adapters.js";
import { newId, T0 } from "./fixtures.js";

/** Brings the database to 0001 only, as a release before rate limits and credits left it. */
async function migrateToInitial({ db, profile, migrationTableSchema }: RawDatabase): Promise<void> {
  const provider = { getMigrations: async () => ({ "0001_initial": initialMigration(profile.columnTypes) }) };
  const { error } = await new Migrator({ db, provider, migrationTableSchema }).migrateToLatest();
  if (error !== undefined) throw error;
}

async function seedOldRows(raw: RawDatabase, ids: { ws: string; api: string; identity: string; key: string }): Promise<void> {
  const { db, profile } = raw;
  const at = profile.time.encode(T0);
  const json = profile.json.encode;
  await db.insertInto("workspaces").values({ id: ids.ws, name: "old", created_at: at }).execute();
  await db
    .insertInto("apis")
    .values({ id: ids.api, workspace_id: ids.ws, kind: "customer", name: "old", prefix: "acme", defaults: json({}), created_at: at, updated_at: at })
    .execute();
  await db
    .insertInto("identities")
    .values({ id: ids.identity, workspace_id: ids.ws, external_id: "old-user", meta: json({}), created_at: at, updated_at: at })
    .execute();
  await db
    .insertInto("keys")
    .values({
      id: ids.key,
      workspace_id: ids.ws,
      api_id: ids.api,
      hash: "f".repeat(64),
      start: "acme_live_Ab",
      environment: "live",
      identity_id: ids.identity,
      permissions: json([]),
      enabled: profile.bool.encode(true),
      restrictions: json({}),
      meta: json({}),
      created_at: at,
      updated_at: at,
    })
    .execute();
}

describe.each(storeAdapters())("storage migrations: $name", (adapter) => {
  let database: TestDatabase | undefined;
  let raw: Kysely<any> | undefined;
  let store: Store | undefined;

  afterEach(async () => {
    await store?.close();
    await raw?.destroy();
    await database?.cleanup();
  });

  it("upgrades a 0001 database: existing keys and identities have no limits and no credits", async () => {
    database = adapter.newDatabase();
    const connection = await database.connect();
    raw = connection.db;
    const ids = { ws: newId("ws"), api: newId("api"), identity: newId("id"), key: newId("key") };
    await migrateToInitial(connection);
    await seedOldRows(connection, ids);
    expect(await database.migrationCount()).toBe(1);

    store = await database.open();
    expect(await database.migrationCount()).toBeGreaterThan(1);
    const key = await store.keys.get(ids.ws, ids.key);
    expect(key).toMatchObject({ id: ids.key, ratelimits: [], credits: null });
    const found = await store.keys.findForVerification("f".repeat(64));
    expect(found?.identity).toMatchObject({ id: ids.identity, ratelimits: [], credits: null });
    expect(await store.identities.getByExternalId(ids.ws, "old-user")).toMatchObject({ ratelimits: [], credits: null });

    // The new tables work on the upgraded database.
    await store.credits.set({ workspaceId: ids.ws, ownerId: ids.key, remaining: 3, refill: null, lowThreshold: null, now: T0 });
    expect(await store.credits.lease(ids.key, 5)).toEqual({ granted: 3, remaining: 0 });
  });
});
