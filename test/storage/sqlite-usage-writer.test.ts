// The SQLite store writes usage (lastUsedAt, verification counts) on a thread of its own with its own
// connection, so a flush never holds the server's event loop. What a user notices: the counts arrive,
// none are lost when the server stops right after a flush started, and usage is still written where no
// thread can run.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createSqliteStore, type Store } from "../../src/storage/index.js";
import type { UsageStatement } from "../../src/storage/kysely/key-usage.js";
import { UsageWriter, usageWriterCounts } from "../../src/storage/sqlite/usage-writer.js";
import { at, newKey, seedTenant } from "./fixtures.js";

describe("SQLite usage writer", () => {
  const dirs: string[] = [];
  const stores: Store[] = [];
  const newFile = () => {
    const dir = mkdtempSync(join(tmpdir(), "keyward-usage-"));
    dirs.push(dir);
    return join(dir, "keyward.db");
  };
  const open = async (filename: string) => {
    const store = await createSqliteStore({ filename });
    stores.push(store);
    return store;
  };

  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close().catch(() => {});
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("writes usage on its own thread, visible to the server's connection at once", async () => {
    const store = await open(newFile());
    const tenant = await seedTenant(store);
    const key = await store.keys.create(newKey(tenant));
    const before = usageWriterCounts.transactions;

    await store.keys.recordUsage([{ keyId: key.id, lastUsedAt: at(1_000), verifications: 3 }]);

    expect(usageWriterCounts.transactions).toBe(before + 1);
    const read = await store.keys.get(tenant.workspace.id, key.id);
    expect(read?.verificationCount).toBe(3);
    expect(read?.lastUsedAt).toEqual(at(1_000));
  });

  it("finishes every batch already sent when the store closes", async () => {
    const filename = newFile();
    const store = await open(filename);
    const tenant = await seedTenant(store);
    const key = await store.keys.create(newKey(tenant));

    const flushes = Array.from({ length: 20 }, (_, i) => store.keys.recordUsage([{ keyId: key.id, lastUsedAt: at(i), verifications: 2 }]));
    await store.close();
    await Promise.all(flushes);

    const reopened = await open(filename);
    const read = await reopened.keys.get(tenant.workspace.id, key.id);
    expect(read?.verificationCount).toBe(40);
    expect(read?.lastUsedAt).toEqual(at(19));
  });

  it("refuses usage after the store closed (the recorder keeps it for a retry)", async () => {
    const store = await open(newFile());
    await store.close();
    await expect(store.keys.recordUsage([{ keyId: "key_x", lastUsedAt: at(1), verifications: 1 }])).rejects.toThrow(/closed/);
  });

  it("writes inline when its thread cannot run, the first batch included", async () => {
    const inline: UsageStatement[][] = [];
    // No such file: the thread's connection fails to open before it ever answers.
    const writer = new UsageWriter({ filename: join(newFile(), "missing", "keyward.db"), busyTimeoutMs: 100 }, async (statements) => {
      inline.push(statements);
    });
    const batch: UsageStatement[] = [{ sql: "update keys set verification_count = verification_count + ? where id = ?", parameters: [1, "key_x"] }];

    await writer.write(batch);
    await writer.write(batch);

    expect(inline).toEqual([batch, batch]);
    await writer.close();
  });
});
