// Per-API lifecycle policy through the API: the policy on the API view, refusals of expiries beyond the
// maximum lifetime (create, update, rotate), rotationDueAt, and GET /v1/keys?expiringWithin=.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../support/harness.js";
import { call, expectProblem, expectStatus, fixtures, snapshot, unique } from "./fixtures.js";

const DAY = 86_400;
const NOW = new Date("2031-05-01T12:00:00.000Z");
const after = (seconds: number) => new Date(NOW.getTime() + seconds * 1000).toISOString();

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
  h.setNow(NOW);
});
afterAll(() => h?.close());

const newApi = (body: Record<string, unknown> = {}) => fixtures(h).api(body);

describe("API policy", () => {
  it("is set on create, shown on the API, replaced as a whole on update", async () => {
    const policy = { maxLifetimeSeconds: 90 * DAY, rotationPeriodSeconds: 30 * DAY, expiringSoonSeconds: 7 * DAY, onLeak: "disable" };
    const api = await newApi({ policy });
    expect(api.policy).toEqual(policy);
    expect((await call(h, "GET", `/v1/apis/${api.id}`)).json.policy).toEqual(policy);
    const updated = await call(h, "PATCH", `/v1/apis/${api.id}`, { policy: { expiringSoonSeconds: DAY } });
    expectStatus(updated, 200);
    expect(updated.json.policy).toEqual({ expiringSoonSeconds: DAY });
    expect((await fixtures(h).api()).policy).toEqual({});
  });

  it("refuses unknown fields, out-of-range durations and a bad onLeak with VALIDATION_FAILED", async () => {
    for (const policy of [{ maxLifetime: 60 }, { maxLifetimeSeconds: 0 }, { rotationPeriodSeconds: 11 * 365 * DAY }, { expiringSoonSeconds: 1.5 }, { onLeak: "delete" }]) {
      expectProblem(await call(h, "POST", "/v1/apis", { name: "x", prefix: `v${unique()}`.slice(0, 16), policy }), 400, "VALIDATION_FAILED");
    }
  });

  it("refuses a default time to live beyond the maximum lifetime, on create and update, changing nothing", async () => {
    const before = await snapshot(h);
    const refused = await call(h, "POST", "/v1/apis", { name: "x", prefix: `d${unique()}`.slice(0, 16), defaults: { expiresInSeconds: 2 * DAY }, policy: { maxLifetimeSeconds: DAY } });
    expectProblem(refused, 400, "INVALID_API_POLICY");
    expect(refused.json.errors).toEqual([{ pointer: "/body/defaults/expiresInSeconds", message: expect.any(String) }]);
    const api = await newApi({ defaults: { expiresInSeconds: 2 * DAY } });
    const beforeUpdate = await snapshot(h);
    expectProblem(await call(h, "PATCH", `/v1/apis/${api.id}`, { policy: { maxLifetimeSeconds: DAY } }), 400, "INVALID_API_POLICY");
    expect(await snapshot(h)).toEqual(beforeUpdate);
    expect(beforeUpdate.apis.length).toBe(before.apis.length + 1);
    // Both at once, agreeing, is fine.
    expectStatus(await call(h, "PATCH", `/v1/apis/${api.id}`, { defaults: { expiresInSeconds: DAY }, policy: { maxLifetimeSeconds: DAY } }), 200);
  });
});

describe("maximum lifetime", () => {
  it("gives a new key without expiresAt the default TTL, else the maximum lifetime", async () => {
    const capped = await newApi({ policy: { maxLifetimeSeconds: 30 * DAY } });
    expect((await fixtures(h).key({ apiId: capped.id })).expiresAt).toBe(after(30 * DAY));
    const both = await newApi({ defaults: { expiresInSeconds: DAY }, policy: { maxLifetimeSeconds: 30 * DAY } });
    expect((await fixtures(h).key({ apiId: both.id })).expiresAt).toBe(after(DAY));
    expect((await fixtures(h).key({ apiId: capped.id, expiresAt: after(30 * DAY) })).expiresAt).toBe(after(30 * DAY));
  });

  it("refuses a key created beyond it, or never expiring, with KEY_LIFETIME_EXCEEDS_POLICY", async () => {
    const api = await newApi({ policy: { maxLifetimeSeconds: 30 * DAY } });
    const before = await snapshot(h);
    for (const expiresAt of [after(30 * DAY + 1), null]) {
      const refused = await call(h, "POST", "/v1/keys", { apiId: api.id, expiresAt });
      expectProblem(refused, 400, "KEY_LIFETIME_EXCEEDS_POLICY");
      expect(refused.json.errors).toEqual([{ pointer: "/body/expiresAt", message: expect.stringContaining(after(30 * DAY)) }]);
    }
    expect(await snapshot(h)).toEqual(before);
  });

  it("refuses an update or a rotation beyond it (or to never), keeping the key as it was", async () => {
    const api = await newApi({ policy: { maxLifetimeSeconds: 30 * DAY } });
    const key = await fixtures(h).key({ apiId: api.id });
    for (const expiresAt of [after(31 * DAY), null]) {
      expectProblem(await call(h, "PATCH", `/v1/keys/${key.id}`, { expiresAt }), 400, "KEY_LIFETIME_EXCEEDS_POLICY");
      expectProblem(await call(h, "POST", `/v1/keys/${key.id}/rotate`, { gracePeriodSeconds: 0, expiresAt }), 400, "KEY_LIFETIME_EXCEEDS_POLICY");
    }
    const unchanged = (await call(h, "GET", `/v1/keys/${key.id}`)).json;
    expect(unchanged).toMatchObject({ start: key.start, expiresAt: key.expiresAt, rotatedAt: null });
    expect((await fixtures(h).verify({ key: key.key })).valid).toBe(true);

    // Within it, both work; a rotation with expiresAt moves the expiry with the new secret.
    h.setNow(new Date(NOW.getTime() + 10 * DAY * 1000));
    try {
      expect((await call(h, "PATCH", `/v1/keys/${key.id}`, { expiresAt: after(40 * DAY) })).json.expiresAt).toBe(after(40 * DAY));
      const rotated = await call(h, "POST", `/v1/keys/${key.id}/rotate`, { gracePeriodSeconds: 0, expiresAt: after(35 * DAY) });
      expectStatus(rotated, 200);
      expect(rotated.json).toMatchObject({ expiresAt: after(35 * DAY), rotatedAt: after(10 * DAY) });
    } finally {
      h.setNow(NOW);
    }
  });

  it("does not touch existing keys when the policy changes later", async () => {
    const api = await newApi();
    const forever = await fixtures(h).key({ apiId: api.id });
    expectStatus(await call(h, "PATCH", `/v1/apis/${api.id}`, { policy: { maxLifetimeSeconds: DAY } }), 200);
    expect((await call(h, "GET", `/v1/keys/${forever.id}`)).json.expiresAt).toBeNull();
    expect((await fixtures(h).verify({ key: forever.key })).valid).toBe(true);
    // A rotation without expiresAt keeps the expiry as it is.
    expect((await call(h, "POST", `/v1/keys/${forever.id}/rotate`, { gracePeriodSeconds: 0 })).json.expiresAt).toBeNull();
  });
});

describe("rotation period", () => {
  it("shows rotationDueAt from creation, then from the last rotation; null without a period", async () => {
    const api = await newApi({ policy: { rotationPeriodSeconds: 90 * DAY } });
    const key = await fixtures(h).key({ apiId: api.id });
    expect(key).toMatchObject({ rotatedAt: null, rotationDueAt: after(90 * DAY) });
    h.setNow(new Date(NOW.getTime() + 80 * DAY * 1000));
    try {
      const rotated = (await call(h, "POST", `/v1/keys/${key.id}/rotate`, { gracePeriodSeconds: 60 })).json;
      expect(rotated).toMatchObject({ rotatedAt: after(80 * DAY), rotationDueAt: after(170 * DAY) });
    } finally {
      h.setNow(NOW);
    }
    expect((await fixtures(h).key()).rotationDueAt).toBeNull();
  });
});

describe("GET /v1/keys?expiringWithin=", () => {
  it("lists keys expiring or due for rotation within the window, not expired or revoked ones", async () => {
    const api = await newApi({ policy: { rotationPeriodSeconds: 30 * DAY } });
    const plain = await newApi();
    const soon = await fixtures(h).key({ apiId: plain.id, expiresAt: after(2 * DAY) });
    await fixtures(h).key({ apiId: plain.id, expiresAt: after(20 * DAY) });
    const shortLived = await fixtures(h).key({ apiId: plain.id, expiresAt: after(60) });
    const revoked = await fixtures(h).key({ apiId: plain.id, expiresAt: after(DAY) });
    await fixtures(h).revoke(revoked.id);
    const rotationDue = await fixtures(h).key({ apiId: api.id });

    h.setNow(new Date(NOW.getTime() + 25 * DAY * 1000 - 3 * DAY * 1000));
    try {
      // 22 days later: `soon` and `shortLived` have expired; the rotation is due in 8 days.
      const ids = async (query: string) => (await call(h, "GET", `/v1/keys?${query}`)).json.items.map((item: { id: string }) => item.id);
      expect(await ids(`expiringWithin=${10 * DAY}&apiId=${api.id}`)).toEqual([rotationDue.id]);
      expect(await ids(`expiringWithin=${7 * DAY}&apiId=${api.id}`)).toEqual([]);
      expect(await ids(`expiringWithin=${10 * DAY}&apiId=${plain.id}`)).toEqual([]);
    } finally {
      h.setNow(NOW);
    }
    const ids = async (query: string) => (await call(h, "GET", `/v1/keys?${query}`)).json.items.map((item: { id: string }) => item.id);
    // Created at the same instant: their ids' order is random.
    expect((await ids(`expiringWithin=${3 * DAY}&apiId=${plain.id}`)).sort()).toEqual([soon.id, shortLived.id].sort());
    expect(await ids(`expiringWithin=60&apiId=${plain.id}`)).toEqual([shortLived.id]);
    expect(await ids(`apiId=${plain.id}`)).toHaveLength(4);
  });

  it("refuses a window that is not a positive whole number of seconds within bounds", async () => {
    for (const value of ["0", "-5", "1.5", "soon", String(11 * 365 * DAY)]) {
      expectProblem(await call(h, "GET", `/v1/keys?expiringWithin=${value}`), 400, "VALIDATION_FAILED");
    }
  });
});
