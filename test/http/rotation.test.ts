// Rotation: a new secret for the same key record; the previous secret keeps working for the grace
// period and is refused (EXPIRED) afterwards, on every path, cached or not.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../support/harness.js";
import { call, expectProblem, expectStatus, fixtures, type Fixtures } from "./fixtures.js";

let h: Harness;
let f: Fixtures;

beforeAll(async () => {
  h = await createHarness();
  f = fixtures(h);
});
afterAll(() => h?.close());
afterEach(() => h.setNow(null));

const rotate = (keyId: string, gracePeriodSeconds: number) => call(h, "POST", `/v1/keys/${keyId}/rotate`, { gracePeriodSeconds });
const code = async (key: string) => (await f.verify({ key })).code;

describe("key rotation", () => {
  it("returns a new secret once, for the same key id with everything it had", async () => {
    const original = await f.key({ permissions: ["docs:read"], externalId: "rotating-customer", meta: { plan: "pro" }, credits: { remaining: 10 }, ratelimits: [{ name: "burst", limit: 5, durationMs: 60_000, autoApply: true }] });
    await f.verify({ key: original.key });
    const rotated = await rotate(original.id, 3600);
    expectStatus(rotated, 200);
    expect(rotated.headers["cache-control"]).toBe("no-store");
    expect(rotated.json.key).toMatch(new RegExp(`^${original.key.split("_")[0]}_live_`));
    expect(rotated.json.key).not.toBe(original.key);
    expect(rotated.json).toMatchObject({ id: original.id, permissions: ["docs:read"], identityId: original.identityId, meta: { plan: "pro" }, credits: { remaining: 9 } });
    expect(rotated.json.start).toBe(rotated.json.key.slice(0, rotated.json.start.length));
    const answer = await f.verify({ key: rotated.json.key });
    expect(answer).toMatchObject({ code: "VALID", keyId: original.id, credits: { remaining: 8 } });
    expect((answer.ratelimits as any[])[0].remaining).toBe(3);
    expect(JSON.stringify((await call(h, "GET", `/v1/keys/${original.id}`)).json)).not.toContain(rotated.json.key);
  });

  it("honours the previous secret during the grace period and refuses it as EXPIRED afterwards", async () => {
    const start = new Date("2031-05-01T10:00:00Z");
    h.setNow(start);
    const original = await f.key();
    expect(await code(original.key)).toBe("VALID");
    const rotated = (await rotate(original.id, 600)).json;
    expect(rotated.previousValidUntil).toBe("2031-05-01T10:10:00.000Z");
    expect(await code(original.key)).toBe("VALID");
    expect(await code(rotated.key)).toBe("VALID");
    h.setNow(new Date("2031-05-01T10:09:59Z"));
    expect(await code(original.key)).toBe("VALID");
    h.setNow(new Date("2031-05-01T10:10:00Z"));
    expect(await code(original.key)).toBe("EXPIRED");
    expect(await code(rotated.key)).toBe("VALID");
  });

  it("with no grace refuses the previous secret at once, even where it was cached", async () => {
    const original = await f.key();
    expect(await code(original.key)).toBe("VALID");
    const rotated = (await rotate(original.id, 0)).json;
    expect(await code(original.key)).toBe("EXPIRED");
    expect(await code(rotated.key)).toBe("VALID");
  });

  it("lets a second rotation during a grace period keep each retired secret's own grace end", async () => {
    const start = new Date("2031-06-01T00:00:00Z");
    h.setNow(start);
    const first = await f.key();
    const second = (await rotate(first.id, 3600)).json;
    h.setNow(new Date("2031-06-01T00:10:00Z"));
    const third = (await rotate(first.id, 60)).json;
    expect([await code(first.key), await code(second.key), await code(third.key)]).toEqual(["VALID", "VALID", "VALID"]);
    h.setNow(new Date("2031-06-01T00:11:00Z"));
    expect([await code(first.key), await code(second.key), await code(third.key)]).toEqual(["VALID", "EXPIRED", "VALID"]);
    h.setNow(new Date("2031-06-01T01:00:00Z"));
    expect([await code(first.key), await code(second.key), await code(third.key)]).toEqual(["EXPIRED", "EXPIRED", "VALID"]);
  });

  it("revoking a rotated key refuses its previous secret too; a revoked key cannot be rotated", async () => {
    const original = await f.key();
    const rotated = (await rotate(original.id, 3600)).json;
    await f.revoke(original.id);
    expect(await code(original.key)).toBe("REVOKED");
    expect(await code(rotated.key)).toBe("REVOKED");
    expectProblem(await rotate(original.id, 60), 409, "KEY_REVOKED");
  });

  it("refuses a grace period out of range", async () => {
    const original = await f.key();
    expectProblem(await rotate(original.id, -1), 400, "VALIDATION_FAILED");
    expectProblem(await rotate(original.id, 31 * 86_400), 400, "VALIDATION_FAILED");
    expect(await code(original.key)).toBe("VALID");
  });
});
