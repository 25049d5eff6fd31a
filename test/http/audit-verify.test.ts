// GET /v1/audit/verify and /v1/audit/checkpoints over HTTP: a sound chain verifies; one edited in the
// database does not, and says which entry; with a signing key, checkpoints are written, listed, and
// catch a tail cut off and recomputed, which the chain alone cannot.
import { generateKeyPairSync } from "node:crypto";
import Database from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCheckpointWriter } from "../../src/audit/index.js";
import { sealEntry, signingKeyId, type AuditEntry } from "../../src/core/index.js";
import { toAuditRow } from "../../src/storage/kysely/audit-rows.js";
import { sqliteProfile } from "../../src/storage/sqlite/index.js";
import { createHarness, type Harness } from "../support/harness.js";
import { call, expectStatus, fixtures } from "./fixtures.js";
import { auditEntries } from "./audit-support.js";

/** The harness's database file through a connection of its own, as someone with file access would. */
function rawDatabase(h: Harness) {
  return new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(h.databaseFile) }) });
}

async function someChanges(h: Harness, count: number) {
  const f = fixtures(h);
  for (let i = 0; i < count; i++) await f.role();
}

describe("audit verification without a signing key", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
    await someChanges(h, 5);
  });
  afterAll(() => h?.close());

  it("verifies the chain and says that checkpoints are off", async () => {
    const reply = await call(h, "GET", "/v1/audit/verify");
    expectStatus(reply, 200);
    expect(reply.json).toMatchObject({ valid: true, entries: 7, head: { seq: 7 }, checkpoints: { enabled: false, keyId: null, checked: 0, latest: null } });
    expect(reply.json.checkpoints.note).toMatch(/KEYWARD_AUDIT_SIGNING_KEY/);
    expect((await call(h, "GET", "/v1/audit/checkpoints")).json).toEqual({ enabled: false, keyId: null, items: [], nextCursor: null });
  });

  it("names the entry someone edited in the database", async () => {
    const [entry] = await auditEntries(h, "action=role.create&limit=1");
    const db = rawDatabase(h);
    try {
      await db.updateTable("audit_log").set({ after_view: '{"name":"innocent"}' }).where("id", "=", entry.id).execute();
    } finally {
      await db.destroy();
    }
    const reply = await call(h, "GET", "/v1/audit/verify");
    expect(reply.json).toMatchObject({ valid: false, entries: 7, problems: [{ kind: "edited", entryId: entry.id, seq: entry.seq }] });
  });

  it("reads rows rewritten into garbage without failing, and names them", async () => {
    const [first, second] = await auditEntries(h, "order=asc&limit=2");
    const db = rawDatabase(h);
    try {
      await db.updateTable("audit_log").set({ after_view: "{not json" }).where("id", "=", first.id).execute();
      await db.updateTable("audit_log").set({ occurred_at: "yesterday" }).where("id", "=", second.id).execute();
    } finally {
      await db.destroy();
    }
    const listed = await auditEntries(h, "order=asc&limit=2");
    expect(listed.map((entry) => [entry.after, entry.time])).toEqual([
      ["{not json", first.time],
      [second.after, "invalid"],
    ]);
    const reply = await call(h, "GET", "/v1/audit/verify");
    expect(reply.json.problems.slice(0, 2)).toMatchObject([
      { kind: "edited", entryId: first.id },
      { kind: "edited", entryId: second.id },
    ]);
  });
});

describe("audit verification with signed checkpoints", () => {
  let h: Harness;
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const key = { privateKey, publicKey, keyId: signingKeyId(publicKey) };
  beforeAll(async () => {
    h = await createHarness({ auditKey: key });
    await someChanges(h, 6);
  });
  afterAll(() => h?.close());

  it("writes a checkpoint per moved head, lists it, and verifies against it", async () => {
    const writer = createCheckpointWriter({ audit: h.ctx.store.audit, key, now: h.ctx.now });
    expect(await writer.writeNow()).toBe(1);
    expect(await writer.writeNow()).toBe(0);
    const listed = (await call(h, "GET", "/v1/audit/checkpoints")).json;
    expect(listed).toMatchObject({ enabled: true, keyId: key.keyId, nextCursor: null, items: [{ seq: 8, keyId: key.keyId, signature: expect.stringMatching(/^[\w-]{86}$/) }] });
    const reply = await call(h, "GET", "/v1/audit/verify");
    expect(reply.json).toMatchObject({ valid: true, entries: 8, checkpoints: { enabled: true, keyId: key.keyId, checked: 1, latest: { seq: 8 } } });
    expect(reply.json.checkpoints.note).toBeUndefined();
  });

  it("catches the last entries deleted and the chain recomputed after them", async () => {
    const entries: any[] = await auditEntries(h, "order=asc&limit=100");
    const db = rawDatabase(h);
    try {
      await db.deleteFrom("audit_log").where("seq", ">=", 6).execute();
      let last = { seq: entries[4].seq, hash: entries[4].hash };
      for (let seq = 6; seq <= 9; seq++) {
        const entry: AuditEntry = sealEntry(
          { ...entries[4], id: `aud_forged${seq}`, time: new Date(), before: null, after: '{"name":"harmless"}', action: "role.create", target: { type: "role", id: `role_${seq}` } },
          last,
        );
        await db.insertInto("audit_log").values(toAuditRow(sqliteProfile, entry)).execute();
        last = entry;
      }
      await db.updateTable("audit_heads").set({ seq: last.seq, hash: last.hash }).execute();
    } finally {
      await db.destroy();
    }
    const reply = await call(h, "GET", "/v1/audit/verify");
    expect(reply.json).toMatchObject({ valid: false, entries: 9, problems: [{ kind: "truncated", entryId: "aud_forged8", seq: 8 }] });
  });
});
