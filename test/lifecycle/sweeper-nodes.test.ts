// Two nodes sweeping one database at the same moment (two store handles: PostgreSQL when a test server
// is named, and one SQLite file): every announcement is written exactly once, and the audit chain holds.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { verifyStoredChain } from "../../src/audit/verify-stored-chain.js";
import { generateKey } from "../../src/core/index.js";
import { createLifecycleSweeper, type SweepResult } from "../../src/lifecycle/index.js";
import { closeServiceContext, createServiceContext } from "../../src/services/index.js";
import { createSqliteStore, type Store } from "../../src/storage/index.js";
import { storeAdapters } from "../storage/adapters.js";
import { newKey, seedTenant, T0, type Tenant } from "../storage/fixtures.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (ms: number) => new Date(T0.getTime() + ms);
/** Keys of each kind: more than one batch of the small sweepers below. */
const EACH = 12;

interface Nodes {
  name: string;
  open(): Promise<Store[]>;
  cleanup(): Promise<void>;
}

function sqliteNodes(): Nodes {
  const dir = mkdtempSync(join(tmpdir(), "keyward-sweep-"));
  // No busy wait: both handles live in this one process, so a handle waiting for the other's write lock
  // would block the very thread the other needs to finish. A refused claim is retried next pass.
  const open = () => createSqliteStore({ filename: join(dir, "keyward.db"), busyTimeoutMs: 0 });
  return { name: "sqlite", open: async () => [await open(), await open()], cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
}

function postgresNodes(): Nodes[] {
  const postgres = storeAdapters().find((adapter) => adapter.name === "postgres");
  if (!postgres) return [];
  const database = postgres.newDatabase();
  return [{ name: "postgres", open: async () => [await database.open(), await database.open()], cleanup: () => database.cleanup() }];
}

/** Keys expiring soon, due for rotation, expired, and rotated with an ended grace: EACH of each. */
async function seed(store: Store): Promise<Tenant> {
  const tenant = await seedTenant(store);
  const policy = { expiringSoonSeconds: 7 * 86_400, rotationPeriodSeconds: 30 * 86_400 };
  const api = (await store.apis.update(tenant.workspace.id, tenant.api.id, { policy }, T0))!;
  const seeded = { ...tenant, api };
  for (let index = 0; index < EACH; index++) {
    await store.keys.create(newKey(seeded, { expiresAt: at(40 * DAY + index), now: at(35 * DAY) }));
    await store.keys.create(newKey(seeded, { now: at(5 * DAY + index) }));
    await store.keys.create(newKey(seeded, { expiresAt: at(36 * DAY + index), now: at(35 * DAY) }));
    const rotated = await store.keys.create(newKey(seeded, { now: at(35 * DAY) }));
    const next = generateKey("acme", "live", randomBytes);
    await store.keys.rotate(tenant.workspace.id, rotated.id, next, at(36 * DAY + index), at(35 * DAY));
  }
  return seeded;
}

const opened: Array<{ stores: Store[]; nodes: Nodes }> = [];
afterAll(async () => {
  for (const { stores, nodes } of opened) {
    await Promise.all(stores.map((store) => store.close()));
    await nodes.cleanup();
  }
});

describe.each([sqliteNodes(), ...postgresNodes()])("lifecycle sweeper on two nodes: $name", (nodes) => {
  it("announces each due date exactly once while both sweep at the same time", async () => {
    const stores = await nodes.open();
    opened.push({ stores, nodes });
    const tenant = await seed(stores[0]!);
    const now = at(37 * DAY);
    const contexts = stores.map((store) => createServiceContext({ store, logger: { warn() {} }, now: () => now }));
    // Two sweepers per node as well: a node's timer pass and a pass started by hand.
    const sweepers = contexts.flatMap((ctx) => [createLifecycleSweeper(ctx, { batchSize: 5 }), createLifecycleSweeper(ctx, { batchSize: 5 })]);
    const total: SweepResult = { expiring: 0, expired: 0, graceEnded: 0 };
    for (let round = 0; round < 12; round++) {
      for (const result of await Promise.all(sweepers.map((sweeper) => sweeper.sweepOnce()))) {
        total.expiring += result.expiring;
        total.expired += result.expired;
        total.graceEnded += result.graceEnded;
      }
    }
    expect(total).toEqual({ expiring: 2 * EACH, expired: EACH, graceEnded: EACH });

    const entries = (await stores[1]!.audit.scan(tenant.workspace.id, 0, 1000)).filter((entry) => entry.actor.type === "system");
    const count = (action: string) => entries.filter((entry) => entry.action === action);
    expect(count("key.expiring")).toHaveLength(2 * EACH);
    const reasons = count("key.expiring").map((entry) => (JSON.parse(entry.after!) as { reason: string }).reason);
    expect(reasons.filter((reason) => reason === "expiry")).toHaveLength(EACH);
    expect(reasons.filter((reason) => reason === "rotation")).toHaveLength(EACH);
    expect(new Set(count("key.expiring").map((entry) => entry.target.id)).size).toBe(2 * EACH);
    expect(new Set(count("key.expire").map((entry) => entry.target.id)).size).toBe(EACH);
    expect(count("key.expire")).toHaveLength(EACH);
    expect(count("key.grace_end")).toHaveLength(EACH);
    expect(await verifyStoredChain(stores[0]!.audit, tenant.workspace.id)).toMatchObject({ valid: true });
    await Promise.all(contexts.map((ctx) => closeServiceContext(ctx)));
  }, 60_000);
});
