// POST /v1/keys/import: whole-request validation with row indexes, skipInvalid, idempotent re-runs,
// conflicts that name no owner, one audit entry per key, and the imported keys verifying by plaintext.
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../support/harness.js";
import { auditEntries } from "./audit-support.js";
import { call, expectProblem, expectStatus, fixtures, listAll, type Fixtures } from "./fixtures.js";

let h: Harness;
let f: Fixtures;
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const legacyKey = () => `sk_legacy_${randomBytes(18).toString("base64url")}`;
const importRows = (apiId: string, rows: unknown[], skipInvalid?: boolean) =>
  call(h, "POST", "/v1/keys/import", { apiId, rows, ...(skipInvalid !== undefined ? { skipInvalid } : {}) });

beforeAll(async () => {
  h = await createHarness();
  f = fixtures(h);
});
afterAll(() => h?.close());

describe("importing keys", () => {
  it("imports plaintext and hash-only rows that then verify by plaintext, with identity, permissions and meta", async () => {
    const api = await f.api();
    const [plain, hashed] = [legacyKey(), legacyKey()];
    const reply = await importRows(api.id, [
      { key: plain, name: "migrated", externalId: "cust-1", permissions: ["docs:read"], meta: { from: "legacy" } },
      { hash: sha256(hashed).toUpperCase(), externalId: "cust-1", enabled: false },
    ]);
    expectStatus(reply, 200);
    expect(reply.json).toMatchObject({ imported: 2, existing: 0, invalid: [] });
    expect(reply.json.keys.map((entry: { row: number }) => entry.row)).toEqual([0, 1]);
    expect(JSON.stringify(reply.json)).not.toContain(plain);

    const [first, second] = await Promise.all(reply.json.keys.map(async (entry: { keyId: string }) => (await call(h, "GET", `/v1/keys/${entry.keyId}`)).json));
    expect(first).toMatchObject({ name: "migrated", start: plain.slice(0, 4), permissions: ["docs:read"], meta: { from: "legacy" }, environment: "live" });
    expect(second).toMatchObject({ start: "", enabled: false, identityId: first.identityId });
    expect((await call(h, "GET", `/v1/apis/${api.id}`)).json.importedKeys).toBe(true);

    const valid = await f.verify({ key: plain, permissions: "docs:read" });
    expect(valid).toMatchObject({ valid: true, code: "VALID", keyId: first.id, identity: { externalId: "cust-1" }, meta: { from: "legacy" } });
    expect((await f.verify({ key: hashed })).code).toBe("DISABLED");
    expect((await f.verify({ key: plain, apiId: (await f.api()).id })).code).toBe("NOT_FOUND");
  });

  it("refuses the whole request when a row is bad, reporting every bad row by index, and writes nothing", async () => {
    const api = await f.api();
    const secret = legacyKey();
    const before = await listAll(h, `/v1/keys?apiId=${api.id}`);
    const reply = await importRows(api.id, [
      { key: secret },
      { key: "short" },
      { key: legacyKey(), hash: sha256("x") },
      { name: "no key" },
      { hash: "abc" },
      { key: legacyKey(), permissions: ["not a permission"] },
      { key: secret },
      { key: legacyKey(), expiresAt: "2001-01-01T00:00:00Z" },
      { key: legacyKey(), roles: ["no-such-role"] },
      { key: legacyKey(), surprise: true },
    ]);
    expectProblem(reply, 400, "IMPORT_INVALID_ROWS");
    const rowsWithProblems = [...new Set(reply.json.errors.map((field: { pointer: string }) => Number(/^\/body\/rows\/(\d+)/.exec(field.pointer)?.[1])))];
    expect(rowsWithProblems).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const messages = reply.json.errors.map((field: { pointer: string; message: string }) => `${field.pointer} ${field.message}`).join("\n");
    expect(messages).toMatch(/\/body\/rows\/6\/key IMPORT_DUPLICATE_ROW: the same key as row 0/);
    expect(messages).toMatch(/\/body\/rows\/5\/permissions\/0 INVALID_PERMISSION/);
    expect(messages).toMatch(/\/body\/rows\/7\/expiresAt INVALID_EXPIRY/);
    expect(messages).toMatch(/\/body\/rows\/8\/roles\/0 UNKNOWN_ROLE/);
    expect(reply.text).not.toContain(secret);
    expect(await listAll(h, `/v1/keys?apiId=${api.id}`)).toEqual(before);
    expect((await f.verify({ key: secret })).code).not.toBe("VALID");
  });

  it("with skipInvalid imports the good rows and lists the bad ones with their problems", async () => {
    const api = await f.api();
    const good = legacyKey();
    const reply = await importRows(api.id, [{ key: "short" }, { key: good }, { hash: "zz" }], true);
    expectStatus(reply, 200);
    expect(reply.json).toMatchObject({ imported: 1, existing: 0, keys: [{ row: 1 }] });
    expect(reply.json.invalid.map((entry: { row: number }) => entry.row)).toEqual([0, 2]);
    expect(reply.json.invalid[0].problems[0]).toMatchObject({ path: "/key", code: "VALIDATION_FAILED" });
    expect((await f.verify({ key: good })).code).toBe("VALID");
  });

  it("is idempotent: a re-run imports nothing new and answers the same key ids", async () => {
    const api = await f.api();
    const rows = Array.from({ length: 5 }, () => ({ key: legacyKey(), externalId: "re-run" }));
    const first = await importRows(api.id, rows);
    expect(first.json).toMatchObject({ imported: 5, existing: 0 });
    const entries = (await auditEntries(h, "action=key.import&limit=100")).length;
    const again = await importRows(api.id, [...rows, { key: legacyKey() }]);
    expectStatus(again, 200);
    expect(again.json).toMatchObject({ imported: 1, existing: 5 });
    expect(again.json.keys.slice(0, 5)).toEqual(first.json.keys);
    expect((await auditEntries(h, "action=key.import&limit=100")).length).toBe(entries + 1);
    expect(await listAll(h, `/v1/keys?apiId=${api.id}`)).toHaveLength(6);
  });

  it("refuses a key that belongs to another API or workspace without saying whose", async () => {
    const [mine, theirs] = [await f.api(), await f.api()];
    const shared = legacyKey();
    expect((await importRows(theirs.id, [{ key: shared }])).json.imported).toBe(1);
    const issued = await f.key({ apiId: theirs.id });
    const reply = await importRows(mine.id, [{ key: shared }, { hash: sha256(issued.key) }]);
    expectProblem(reply, 400, "IMPORT_INVALID_ROWS");
    expect(reply.json.errors.map((field: { message: string }) => field.message)).toEqual([
      expect.stringMatching(/^KEY_HASH_CONFLICT/),
      expect.stringMatching(/^KEY_HASH_CONFLICT/),
    ]);
    expect(reply.text).not.toContain(theirs.id);
    expect(reply.text).not.toContain(issued.id);
  });

  it("writes one key.import entry per key, without the secret or hash, and the chain stays intact", async () => {
    const api = await f.api();
    const secret = legacyKey();
    const reply = await importRows(api.id, [{ key: secret, externalId: "audited-owner" }, { hash: sha256(legacyKey()) }]);
    const entries = await auditEntries(h, "limit=3");
    expect(entries.map((entry) => entry.action)).toEqual(["key.import", "key.import", "identity.create"]);
    expect(entries.map((entry) => entry.target.id).slice(0, 2).sort()).toEqual(reply.json.keys.map((entry: { keyId: string }) => entry.keyId).sort());
    expect(JSON.stringify(entries)).not.toContain(secret);
    expect(JSON.stringify(entries)).not.toContain(sha256(secret));
    const verdict = await call(h, "GET", "/v1/audit/verify");
    expect(verdict.json.valid).toBe(true);
  });

  it("rotates an imported key into Keyward's format; the old secret works during the grace, then not", async () => {
    const api = await f.api();
    const secret = legacyKey();
    const keyId = (await importRows(api.id, [{ key: secret }])).json.keys[0].keyId;
    const start = new Date(Date.now() + 60_000);
    h.setNow(start);
    try {
      const rotated = await call(h, "POST", `/v1/keys/${keyId}/rotate`, { gracePeriodSeconds: 600 });
      expectStatus(rotated, 200);
      expect(rotated.json.key.startsWith(`${api.prefix}_live_`)).toBe(true);
      expect((await f.verify({ key: rotated.json.key })).code).toBe("VALID");
      expect((await f.verify({ key: secret })).code).toBe("VALID");
      h.setNow(new Date(start.getTime() + 601_000));
      expect((await f.verify({ key: secret })).code).toBe("EXPIRED");
      expect((await f.verify({ key: rotated.json.key })).code).toBe("VALID");
    } finally {
      h.setNow(null);
    }
  });

  it("keeps no plaintext key in the database file", async () => {
    const api = await f.api();
    const secrets = Array.from({ length: 3 }, legacyKey);
    await importRows(api.id, secrets.map((key) => ({ key })));
    const files = [h.databaseFile, `${h.databaseFile}-wal`].filter(existsSync).map((file) => readFileSync(file).toString("latin1"));
    for (const secret of secrets) for (const content of files) expect(content.includes(secret)).toBe(false);
  });

  it("refuses an unknown API and an empty or oversized request", async () => {
    expectProblem(await importRows("api_nope", [{ key: legacyKey() }]), 404, "API_NOT_FOUND");
    const api = await f.api();
    expectProblem(await importRows(api.id, []), 400, "VALIDATION_FAILED");
    expectProblem(await importRows(api.id, Array.from({ length: 1001 }, () => ({ hash: sha256(legacyKey()) }))), 400, "VALIDATION_FAILED");
  });
});
