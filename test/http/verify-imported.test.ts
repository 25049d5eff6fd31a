// Verification of keys outside Keyward's format: refused before any store read while no API holds
// imported keys; once one does, such keys are looked up by hash (after a length/charset check) and
// count only for an API that holds imported keys.
import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createHarness, type Harness } from "../support/harness.js";
import { call, expectStatus, fixtures, type Fixtures } from "./fixtures.js";

let h: Harness;
let f: Fixtures;
const legacyKey = (length = 40) => `legacy_${randomBytes(length).toString("hex")}`.slice(0, length);

beforeAll(async () => {
  h = await createHarness();
  f = fixtures(h);
});
afterAll(() => h?.close());
afterEach(() => vi.restoreAllMocks());

describe("keys outside Keyward's format", () => {
  it("are MALFORMED without any store read while no API holds imported keys", async () => {
    await f.key(); // a customer key exists; the root key is cached by the first verify
    await f.verify({ key: legacyKey() });
    const reads = vi.spyOn(h.ctx.store.keys, "findForVerification");
    for (const key of [legacyKey(), legacyKey(200), "sk_live_not-a-keyward-key-at-all", "x".repeat(20)]) {
      expect((await f.verify({ key })).code).toBe("MALFORMED");
    }
    expect(reads).not.toHaveBeenCalled();
  });

  it("verify once imported, also when longer than Keyward's own keys; unknown ones are NOT_FOUND from a negative cache", async () => {
    const api = await f.api();
    const [short, long] = [legacyKey(16), legacyKey(200)];
    const unknown = legacyKey(48);
    expect((await f.verify({ key: short })).code).toBe("MALFORMED");
    const imported = await call(h, "POST", "/v1/keys/import", { apiId: api.id, rows: [{ key: short }, { key: long }] });
    expectStatus(imported, 200);
    expect((await f.verify({ key: short })).code).toBe("VALID");
    expect((await f.verify({ key: long, apiId: api.id })).code).toBe("VALID");

    const reads = vi.spyOn(h.ctx.store.keys, "findForVerification");
    expect((await f.verify({ key: unknown })).code).toBe("NOT_FOUND");
    expect((await f.verify({ key: unknown })).code).toBe("NOT_FOUND");
    expect(reads).toHaveBeenCalledTimes(1);
    // The sanity check still refuses what could never be a key, without a read.
    for (const key of ["too-short", "has a space in it somewhere", "ü".repeat(20), "y".repeat(257)]) expect((await f.verify({ key })).code).toBe("MALFORMED");
    expect(reads).toHaveBeenCalledTimes(1);
  });

  it("stay strict for an API without imports and for root keys: no lookup, MALFORMED", async () => {
    const created = await f.key();
    const mistyped = created.key.slice(0, -1) + (created.key.endsWith("a") ? "b" : "a");
    const reads = vi.spyOn(h.ctx.store.keys, "findForVerification");
    expect((await f.verify({ key: mistyped, apiId: created.apiId })).code).toBe("MALFORMED");
    expect((await f.verify({ key: legacyKey(), apiId: created.apiId })).code).toBe("MALFORMED");
    expect((await call(h, "GET", "/v1/apis", undefined, `${h.rootKey.slice(0, -1)}!`)).status).toBe(401);
    expect(reads).not.toHaveBeenCalled();
    // Without an API named, such a string is looked up, and unknown is all it can be.
    expect((await f.verify({ key: mistyped })).code).toBe("NOT_FOUND");
  });

  it("stay strict for a workspace without imports, though another workspace holds some", async () => {
    const api = await f.api();
    expectStatus(await call(h, "POST", "/v1/keys/import", { apiId: api.id, rows: [{ key: legacyKey() }] }), 200);
    const other = await call(h, "POST", "/v1/workspaces", { name: "no imports here" });
    expectStatus(other, 201);
    const otherRoot = other.json.rootKey.key as string;
    expectStatus(await call(h, "POST", "/v1/keys/verify", { key: legacyKey() }, otherRoot), 200); // the root key is cached now
    const reads = vi.spyOn(h.ctx.store.keys, "findForVerification");
    const answer = await call(h, "POST", "/v1/keys/verify", { key: legacyKey() }, otherRoot);
    expect(answer.json.code).toBe("MALFORMED");
    expect(reads).not.toHaveBeenCalled();
  });
});
