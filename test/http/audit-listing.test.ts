// GET /v1/audit: newest first by default, oldest first with order=asc; filters by target, actor,
// action and time; opaque cursors that cannot cross orders.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../support/harness.js";
import { call, expectProblem, fixtures } from "./fixtures.js";
import { auditEntries } from "./audit-support.js";

let h: Harness;
let keyId: string;
let ciKey: { id: string; key: string };

beforeAll(async () => {
  h = await createHarness();
  const f = fixtures(h);
  const key = await f.key();
  keyId = key.id;
  ciKey = await f.rootKey(["keys:update", "audit:read"]);
  // A second apart, so that `since` has distinct times to cut between.
  const start = Date.now();
  for (const [i, enabled] of [false, true, false].entries()) {
    h.setNow(new Date(start + (i + 1) * 1000));
    await call(h, "PATCH", `/v1/keys/${keyId}`, { enabled }, ciKey.key);
  }
  h.setNow(new Date(start + 5000));
  await f.role();
  h.setNow(null);
});
afterAll(() => h?.close());

const seqs = (entries: any[]) => entries.map((entry) => entry.seq);

async function walk(query: string, limit: number): Promise<number[]> {
  const all: number[] = [];
  let cursor: string | null = null;
  do {
    const reply = await call(h, "GET", `/v1/audit?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
    expect(reply.json.items.length).toBeLessThanOrEqual(limit);
    all.push(...seqs(reply.json.items));
    cursor = reply.json.nextCursor;
  } while (cursor);
  return all;
}

describe("GET /v1/audit", () => {
  it("lists newest first, or oldest first, every entry once across pages", async () => {
    const all = seqs(await auditEntries(h, "limit=100"));
    const n = all.length;
    expect(all).toEqual(Array.from({ length: n }, (_, i) => n - i));
    expect(await walk("order=desc", 3)).toEqual(all);
    expect(await walk("order=asc", 4)).toEqual([...all].reverse());
  });

  it("filters by target, actor, action and time", async () => {
    const aboutKey = await auditEntries(h, `target=${keyId}&order=asc`);
    expect(aboutKey.map((entry) => entry.action)).toEqual(["key.create", "key.update", "key.update", "key.update"]);
    const byCi = await auditEntries(h, `actor=${ciKey.id}`);
    expect(byCi.map((entry) => entry.after.enabled)).toEqual([false, true, false]);
    expect((await auditEntries(h, "actor=system")).map((entry) => entry.action).sort()).toEqual(["root_key.create", "workspace.create"]);
    expect((await auditEntries(h, "action=role.create")).map((entry) => entry.action)).toEqual(["role.create"]);
    const third = aboutKey[2];
    expect(seqs(await auditEntries(h, `target=${keyId}&since=${encodeURIComponent(third.time)}`))).toEqual([aboutKey[3].seq, third.seq]);
    expect(await auditEntries(h, "target=key_0000000000000000000001")).toEqual([]);
  });

  it("refuses a bad cursor, a cursor of the other order, an unknown action or a bad time", async () => {
    const page = await call(h, "GET", "/v1/audit?limit=1");
    expectProblem(await call(h, "GET", `/v1/audit?order=asc&cursor=${page.json.nextCursor}`), 400, "INVALID_CURSOR");
    expectProblem(await call(h, "GET", "/v1/audit?cursor=bm90LWEtY3Vyc29y"), 400, "INVALID_CURSOR");
    expectProblem(await call(h, "GET", "/v1/audit?action=key.explode"), 400, "VALIDATION_FAILED");
    expectProblem(await call(h, "GET", "/v1/audit?since=yesterday"), 400, "VALIDATION_FAILED");
    expectProblem(await call(h, "GET", "/v1/audit?order=sideways"), 400, "VALIDATION_FAILED");
  });

  it("is read with audit:read only", async () => {
    const reader = await fixtures(h).rootKey(["keys:*"]);
    expectProblem(await call(h, "GET", "/v1/audit", undefined, reader.key), 403, "FORBIDDEN");
    expect((await call(h, "GET", "/v1/audit", undefined, ciKey.key)).status).toBe(200);
  });
});
