// Nodes starting together on one empty database: exactly one of them bootstraps the install (one default
// workspace, one root key printed). Only for adapters whose database several processes share (PostgreSQL):
// an embedded SQLite file belongs to one node, and four synchronous connections in one test process
// would wait on each other's locks with the event loop blocked.
import { afterEach, describe, expect, it } from "vitest";
import { bootstrapInstall, closeServiceContext, createServiceContext, type ServiceContext } from "../../src/services/index.js";
import type { Store } from "../../src/storage/index.js";
import { storeAdapters, type TestDatabase } from "./adapters.js";

const shared = storeAdapters().filter((adapter) => adapter.name !== "sqlite");

describe.runIf(shared.length > 0).each(shared)("install bootstrap: $name", (adapter) => {
  let database: TestDatabase | undefined;
  const contexts: ServiceContext[] = [];
  const stores: Store[] = [];

  afterEach(async () => {
    for (const ctx of contexts.splice(0)) await closeServiceContext(ctx);
    for (const store of stores.splice(0)) await store.close().catch(() => {});
    await database?.cleanup();
  });

  it("bootstraps once when four nodes start at the same moment", async () => {
    database = adapter.newDatabase();
    const db = database;
    for (let i = 0; i < 4; i++) stores.push(await db.open());
    for (const store of stores) contexts.push(createServiceContext({ store, logger: { warn() {} } }));

    const issued = await Promise.all(contexts.map((ctx) => bootstrapInstall(ctx)));

    expect(issued.filter((rootKey) => rootKey !== null)).toHaveLength(1);
    expect(await stores[0]!.workspaces.count()).toBe(1);
    // A later start finds the install and prints nothing.
    expect(await bootstrapInstall(contexts[0]!)).toBeNull();
  });
});
