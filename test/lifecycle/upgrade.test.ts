// Upgrading to the lifecycle marks (0007): what ended before the upgrade is not announced afterwards.
import { Migrator, type Kysely } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { initialMigration } from "../../src/storage/kysely/migrations/0001-initial.js";
import type { Store } from "../../src/storage/index.js";
import { storeAdapters, type TestDatabase } from "../storage/adapters.js";
import { newId, T0 } from "../storage/fixtures.js";

describe.each(storeAdapters())("lifecycle marks migration: $name", (adapter) => {
  let database: TestDatabase | undefined;
  let raw: Kysely<any> | undefined;
  let store: Store | undefined;

  afterEach(async () => {
    await store?.close();
    await raw?.destroy();
    await database?.cleanup();
  });

  it("marks keys expired before the upgrade as announced; later expiries are announced", async () => {
    database = adapter.newDatabase();
    const { db, profile, migrationTableSchema } = await database.connect();
    raw = db;
    const provider = { getMigrations: async () => ({ "0001_initial": initialMigration(profile.columnTypes) }) };
    const { error } = await new Migrator({ db, provider, migrationTableSchema }).migrateToLatest();
    if (error !== undefined) throw error;
    const ws = newId("ws");
    const api = newId("api");
    const at = profile.time.encode(T0);
    const json = profile.json.encode;
    await db.insertInto("workspaces").values({ id: ws, name: "old", created_at: at }).execute();
    await db.insertInto("apis").values({ id: api, workspace_id: ws, kind: "customer", name: "old", prefix: "acme", defaults: json({}), created_at: at, updated_at: at }).execute();
    const future = new Date(Date.now() + 86_400_000);
    const key = (id: string, hash: string, expiresAt: Date) => ({
      id,
      workspace_id: ws,
      api_id: api,
      hash,
      start: "acme_live_Ab",
      environment: "live",
      permissions: json([]),
      enabled: profile.bool.encode(true),
      expires_at: profile.time.encode(expiresAt),
      restrictions: json({}),
      meta: json({}),
      created_at: at,
      updated_at: at,
    });
    const [past, later] = [newId("key"), newId("key")];
    await db.insertInto("keys").values([key(past, "a".repeat(64), T0), key(later, "b".repeat(64), future)]).execute();

    store = await database.open();
    const due = await store.lifecycle.expiredKeys(new Date(future.getTime() + 1000), 1000);
    expect(due.filter((item) => item.workspaceId === ws).map((item) => item.keyId)).toEqual([later]);
    expect(await store.keys.get(ws, past)).toMatchObject({ expiresAt: T0 });
  });
});
