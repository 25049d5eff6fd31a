// Credits as callers see them: taken last and only on success, never double-spent, refilled on
// schedule, shared by an identity's keys, set/added/subtracted through PATCH.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryCreditPool } from "../../src/credits/index.js";
import { createHarness, type Harness } from "../support/harness.js";
import { call, expectProblem, expectStatus, fixtures, type Fixtures } from "./fixtures.js";

let h: Harness;
let f: Fixtures;
let workspaceId: string;

beforeAll(async () => {
  h = await createHarness();
  f = fixtures(h);
  workspaceId = (await call(h, "GET", "/v1/workspaces/current")).json.id;
});
afterAll(() => h?.close());

const remainingOf = async (keyId: string) => (await call(h, "GET", `/v1/keys/${keyId}`)).json.credits?.remaining;

describe("credits", () => {
  it("takes the cost of each successful call and refuses with USAGE_EXCEEDED when too few remain", async () => {
    const key = await f.key({ credits: { remaining: 5 } });
    const answers = [];
    for (const cost of [2, 2, 2, 1]) answers.push(await f.verify({ key: key.key, cost }));
    expect(answers.map((a) => [a.code, (a.credits as any).remaining])).toEqual([
      ["VALID", 3],
      ["VALID", 1],
      ["USAGE_EXCEEDED", 1],
      ["VALID", 0],
    ]);
    expect(await remainingOf(key.id)).toBe(0);
  });

  it("charges nothing for a call refused by an earlier check or by a rate limit", async () => {
    const key = await f.key({ credits: { remaining: 2 }, restrictions: { ipAllowlist: ["10.0.0.0/8"] }, ratelimits: [{ name: "burst", limit: 1, durationMs: 60_000, autoApply: true }] });
    expect((await f.verify({ key: key.key, ip: "192.0.2.1" })).code).toBe("IP_NOT_ALLOWED");
    expect((await f.verify({ key: key.key, ip: "10.1.1.1" })).code).toBe("VALID");
    expect((await f.verify({ key: key.key, ip: "10.1.1.1" })).code).toBe("RATE_LIMITED");
    expect(await remainingOf(key.id)).toBe(1);
  });

  it("is never double-spent: of 200 concurrent calls on 50 credits exactly 50 succeed", async () => {
    const key = await f.key({ credits: { remaining: 50 } });
    const answers = await Promise.all(Array.from({ length: 200 }, () => f.verify({ key: key.key })));
    expect(answers.filter((a) => a.code === "VALID")).toHaveLength(50);
    expect(answers.filter((a) => a.code === "USAGE_EXCEEDED")).toHaveLength(150);
    expect(await remainingOf(key.id)).toBe(0);
  });

  it("checks without spending at cost 0", async () => {
    const key = await f.key({ credits: { remaining: 1 } });
    expect(await f.verify({ key: key.key, cost: 0 })).toMatchObject({ code: "VALID", credits: { remaining: 1 } });
    expect(await remainingOf(key.id)).toBe(1);
  });

  it("sets, adds and subtracts through PATCH, seen by the next verification", async () => {
    const key = await f.key({ credits: { remaining: 3 } });
    await f.verify({ key: key.key });
    expect((await call(h, "PATCH", `/v1/keys/${key.id}`, { credits: { add: 10 } })).json.credits.remaining).toBe(12);
    expect((await call(h, "PATCH", `/v1/keys/${key.id}`, { credits: { subtract: 5 } })).json.credits.remaining).toBe(7);
    expect((await call(h, "PATCH", `/v1/keys/${key.id}`, { credits: { subtract: 100 } })).json.credits.remaining).toBe(0);
    expect((await f.verify({ key: key.key })).code).toBe("USAGE_EXCEEDED");
    expect((await call(h, "PATCH", `/v1/keys/${key.id}`, { credits: { remaining: 1 } })).json.credits.remaining).toBe(1);
    expect((await f.verify({ key: key.key })).code).toBe("VALID");
    expect((await call(h, "PATCH", `/v1/keys/${key.id}`, { credits: null })).json.credits).toBeNull();
    expect(await f.verify({ key: key.key })).toMatchObject({ code: "VALID", credits: null });
  });

  it("refuses to add to or subtract from a key without credits, and more than one operation at once", async () => {
    const key = await f.key();
    expectProblem(await call(h, "PATCH", `/v1/keys/${key.id}`, { credits: { add: 1 } }), 400, "CREDITS_NOT_SET");
    expectProblem(await call(h, "PATCH", `/v1/keys/${key.id}`, { credits: { add: 1, subtract: 1 } }), 400, "VALIDATION_FAILED");
    expectProblem(await call(h, "PATCH", `/v1/keys/${key.id}`, { credits: { remaining: -1 } }), 400, "VALIDATION_FAILED");
  });

  it("refills daily at 00:00 UTC to the refill amount", async () => {
    h.setNow(new Date("2030-01-01T10:00:00Z"));
    try {
      const key = await f.key({ credits: { remaining: 2, refill: { amount: 5, interval: "daily" } } });
      expect(await Promise.all([1, 2, 3].map(() => f.verify({ key: key.key }).then((a) => a.code)))).toEqual(["VALID", "VALID", "USAGE_EXCEEDED"]);
      h.setNow(new Date("2030-01-01T23:59:59Z"));
      expect((await f.verify({ key: key.key })).code).toBe("USAGE_EXCEEDED");
      h.setNow(new Date("2030-01-02T00:00:01Z"));
      expect(await f.verify({ key: key.key })).toMatchObject({ code: "VALID", credits: { remaining: 4 } });
      expect((await call(h, "GET", `/v1/keys/${key.id}`)).json.credits).toMatchObject({ remaining: 4, refilledAt: "2030-01-02T00:00:00.000Z" });
    } finally {
      h.setNow(null);
    }
  });

  it("shares an identity's credits across its keys; a key's own credits come first", async () => {
    const identity = await f.identity({ credits: { remaining: 3 } });
    const apiId = (await f.api()).id;
    const a = await f.key({ apiId, identityId: identity.id });
    const b = await f.key({ apiId, identityId: identity.id });
    const codes = [];
    for (const key of [a, b, a, b]) codes.push((await f.verify({ key: key.key })).code);
    expect(codes).toEqual(["VALID", "VALID", "VALID", "USAGE_EXCEEDED"]);
    expect((await call(h, "GET", `/v1/identities/${identity.id}`)).json.credits.remaining).toBe(0);
    const own = await f.key({ apiId, identityId: identity.id, credits: { remaining: 1 } });
    expect((await f.verify({ key: own.key })).code).toBe("VALID");
  });

  it("records credits.low once when the balance falls to the threshold", async () => {
    const key = await f.key({ credits: { remaining: 4, lowThreshold: 2 } });
    await f.verify({ key: key.key });
    expect((await h.ctx.store.credits.get(workspaceId, key.id))?.lowAt).toBeNull();
    await f.verify({ key: key.key });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const low = (await h.ctx.store.credits.get(workspaceId, key.id))?.lowAt;
    expect(low).toBeInstanceOf(Date);
    await f.verify({ key: key.key });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await h.ctx.store.credits.get(workspaceId, key.id))?.lowAt?.getTime()).toBe(low!.getTime());
  });

  it("can only under-spend when a node dies holding a lease, and gives the lease back on a clean stop", async () => {
    const key = await f.key({ credits: { remaining: 1000 } });
    await f.verify({ key: key.key });
    const stored = (await h.ctx.store.credits.get(workspaceId, key.id))!.remaining;
    // One verification leased a block: the store holds less than what is left, never more.
    expect(stored).toBeLessThan(999);
    expect(await remainingOf(key.id)).toBe(999);
    // A node that stopped cleanly gives its unspent lease back: the store holds the whole balance.
    await h.ctx.ledger.returnLeases((h.ctx.creditPool as MemoryCreditPool).drainAll());
    expect((await h.ctx.store.credits.get(workspaceId, key.id))!.remaining).toBe(999);
    expect(await f.verify({ key: key.key })).toMatchObject({ code: "VALID", credits: { remaining: 998 } });
  });
});
