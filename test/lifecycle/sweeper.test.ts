// The lifecycle sweeper on one node (SQLite): key.expiring (expiry and rotation), key.expire and
// key.grace_end, each once per due date however often and however concurrently it sweeps; credits.low
// written once with its mark.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLifecycleSweeper, type LifecycleSweeper } from "../../src/lifecycle/index.js";
import { createHarness, type Harness } from "../support/harness.js";
import { call, expectStatus, fixtures } from "../http/fixtures.js";

const DAY = 86_400_000;
const HOUR = 3_600_000;
const BASE = new Date("2032-01-01T00:00:00.000Z");
const at = (ms: number) => new Date(BASE.getTime() + ms);

let h: Harness;
let sweeper: LifecycleSweeper;
beforeAll(async () => {
  h = await createHarness();
  sweeper = createLifecycleSweeper(h.ctx);
});
afterAll(() => h?.close());

/** Audit entries of one action about one target, oldest first. */
async function entries(action: string, targetId: string): Promise<any[]> {
  const reply = await call(h, "GET", `/v1/audit?action=${action}&target=${targetId}&order=asc`);
  expectStatus(reply, 200);
  return reply.json.items;
}

/** A sweep at `now`: the clock of the whole node moves there (entries carry that time). */
async function sweepAt(now: Date, times = 1): Promise<void> {
  h.setNow(now);
  for (let pass = 0; pass < times; pass++) await sweeper.sweepOnce();
}

describe("key.expiring", () => {
  it("announces an expiry within the API's lead time once, and a new expiry again", async () => {
    h.setNow(BASE);
    const api = await fixtures(h).api({ policy: { expiringSoonSeconds: 7 * 86_400 } });
    const soon = await fixtures(h).key({ apiId: api.id, expiresAt: at(5 * DAY).toISOString() });
    const later = await fixtures(h).key({ apiId: api.id, expiresAt: at(10 * DAY).toISOString() });
    const quiet = await fixtures(h).key({ expiresAt: at(5 * DAY).toISOString() });

    // Several sweepers at once (one node's timer and other instances), then again: one entry.
    h.setNow(BASE);
    await Promise.all([sweeper.sweepOnce(), createLifecycleSweeper(h.ctx).sweepOnce(), createLifecycleSweeper(h.ctx).sweepOnce()]);
    await sweepAt(BASE);
    const [entry, ...more] = await entries("key.expiring", soon.id);
    expect(more).toEqual([]);
    expect(entry).toMatchObject({
      actor: { type: "system" },
      target: { type: "key", id: soon.id },
      time: BASE.toISOString(),
      after: { id: soon.id, start: soon.start, expiresAt: soon.expiresAt, dueAt: soon.expiresAt, reason: "expiry" },
    });
    expect(JSON.stringify(entry)).not.toContain(soon.key);
    expect(await entries("key.expiring", later.id)).toEqual([]);
    expect(await entries("key.expiring", quiet.id)).toEqual([]);

    await sweepAt(at(4 * DAY), 2);
    expect(await entries("key.expiring", later.id)).toHaveLength(1);
    // Given a new expiry, the key is announced again when that one comes near.
    expectStatus(await call(h, "PATCH", `/v1/keys/${soon.id}`, { expiresAt: at(12 * DAY).toISOString() }), 200);
    await sweepAt(at(4 * DAY + HOUR));
    expect(await entries("key.expiring", soon.id)).toHaveLength(1);
    await sweepAt(at(6 * DAY), 2);
    const announced = await entries("key.expiring", soon.id);
    expect(announced.map((item) => item.after.dueAt)).toEqual([at(5 * DAY).toISOString(), at(12 * DAY).toISOString()]);
  });

  it("announces a rotation due within the lead time once per secret, again after a rotation", async () => {
    h.setNow(BASE);
    const api = await fixtures(h).api({ policy: { rotationPeriodSeconds: 30 * 86_400, expiringSoonSeconds: 7 * 86_400 } });
    const key = await fixtures(h).key({ apiId: api.id });
    expect(key.rotationDueAt).toBe(at(30 * DAY).toISOString());

    await sweepAt(at(22 * DAY));
    expect(await entries("key.expiring", key.id)).toEqual([]);
    await sweepAt(at(24 * DAY), 3);
    expect((await entries("key.expiring", key.id)).map((entry) => entry.after)).toEqual([
      expect.objectContaining({ dueAt: at(30 * DAY).toISOString(), reason: "rotation" }),
    ]);

    h.setNow(at(25 * DAY));
    expectStatus(await call(h, "POST", `/v1/keys/${key.id}/rotate`, { gracePeriodSeconds: 0 }), 200);
    await sweepAt(at(40 * DAY));
    expect(await entries("key.expiring", key.id)).toHaveLength(1);
    await sweepAt(at(49 * DAY), 2);
    expect((await entries("key.expiring", key.id)).map((entry) => entry.after.dueAt)).toEqual([at(30 * DAY).toISOString(), at(55 * DAY).toISOString()]);
  });

  it("announces nothing for an API without a lead time, nor for a revoked key", async () => {
    h.setNow(BASE);
    const api = await fixtures(h).api({ policy: { rotationPeriodSeconds: 86_400 } });
    const key = await fixtures(h).key({ apiId: api.id, expiresAt: at(2 * HOUR).toISOString() });
    const leadApi = await fixtures(h).api({ policy: { expiringSoonSeconds: 86_400 } });
    const revoked = await fixtures(h).key({ apiId: leadApi.id, expiresAt: at(2 * HOUR).toISOString() });
    await fixtures(h).revoke(revoked.id);
    const rotating = await fixtures(h).api({ policy: { rotationPeriodSeconds: 3_600, expiringSoonSeconds: 3_600 } });
    const revokedDue = await fixtures(h).key({ apiId: rotating.id });
    await fixtures(h).revoke(revokedDue.id);
    await sweepAt(at(HOUR));
    expect(await entries("key.expiring", key.id)).toEqual([]);
    expect(await entries("key.expiring", revoked.id)).toEqual([]);
    expect(await entries("key.expiring", revokedDue.id)).toEqual([]);
    // Marked all the same: it is not looked at again.
    expect(await h.ctx.store.lifecycle.rotationDueKeys(rotating.id, 3_600, at(HOUR), at(2 * HOUR), 10)).toEqual([]);
  });
});

describe("key.expire", () => {
  it("is written once when a key's expiry passes, for any API; never for a revoked key", async () => {
    h.setNow(BASE);
    const key = await fixtures(h).key({ expiresAt: at(HOUR).toISOString() });
    const revoked = await fixtures(h).key({ expiresAt: at(HOUR).toISOString() });
    await fixtures(h).revoke(revoked.id);
    await sweepAt(at(HOUR - 1));
    expect(await entries("key.expire", key.id)).toEqual([]);
    await sweepAt(at(HOUR + 1000), 2);
    const [entry, ...more] = await entries("key.expire", key.id);
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ actor: { type: "system" }, after: { id: key.id, expiresAt: at(HOUR).toISOString() } });
    expect((await fixtures(h).verify({ key: key.key })).code).toBe("EXPIRED");
    expect(await entries("key.expire", revoked.id)).toEqual([]);
  });
});

describe("key.grace_end", () => {
  it("is written once when a rotated-out secret's grace ends; the old secret is refused as EXPIRED", async () => {
    h.setNow(BASE);
    const key = await fixtures(h).key();
    expectStatus(await call(h, "POST", `/v1/keys/${key.id}/rotate`, { gracePeriodSeconds: 3600 }), 200);
    await sweepAt(at(HOUR / 2));
    expect(await entries("key.grace_end", key.id)).toEqual([]);
    expect((await fixtures(h).verify({ key: key.key })).valid).toBe(true);
    await sweepAt(at(2 * HOUR), 2);
    const [entry, ...more] = await entries("key.grace_end", key.id);
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ actor: { type: "system" }, after: { id: key.id, previousValidUntil: at(HOUR).toISOString() } });
    expect((await fixtures(h).verify({ key: key.key })).code).toBe("EXPIRED");
  });

  it("is written by a rotation that drops a secret whose grace ended before any sweep saw it", async () => {
    h.setNow(BASE);
    const key = await fixtures(h).key();
    expectStatus(await call(h, "POST", `/v1/keys/${key.id}/rotate`, { gracePeriodSeconds: 60 }), 200);
    h.setNow(at(HOUR));
    expectStatus(await call(h, "POST", `/v1/keys/${key.id}/rotate`, { gracePeriodSeconds: 0 }), 200);
    const newestTwo = (await call(h, "GET", `/v1/audit?target=${key.id}&limit=2`)).json.items.reverse();
    expect(newestTwo.map((entry: { action: string }) => entry.action)).toEqual(["key.grace_end", "key.rotate"]);
    await sweepAt(at(2 * HOUR), 2);
    // The sweep announces the second rotation's (zero) grace, and never the first one's again.
    expect((await entries("key.grace_end", key.id)).map((entry) => entry.after.previousValidUntil)).toEqual([at(60_000).toISOString(), at(HOUR).toISOString()]);
  });
});

describe("credits.low", () => {
  it("is written once, by the system, when the balance falls to the threshold", async () => {
    h.setNow(null);
    const key = await fixtures(h).key({ credits: { remaining: 4, lowThreshold: 2 } });
    for (let call = 0; call < 4; call++) expect((await fixtures(h).verify({ key: key.key })).valid).toBe(true);
    // Recorded behind the answers: wait for it.
    let found: any[] = [];
    for (let tries = 0; tries < 100 && found.length === 0; tries++) {
      found = await entries("credits.low", key.id);
      if (found.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    const all = await entries("credits.low", key.id);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ actor: { type: "system" }, target: { type: "credits", id: key.id }, after: { ownerId: key.id, remaining: 2, lowThreshold: 2 } });
    expect(JSON.stringify(all[0])).not.toContain(key.key);
    expect((await h.ctx.store.credits.get(all[0].workspaceId, key.id))?.lowAt).not.toBeNull();
  });
});

describe("batches", () => {
  it("announces at most batchSize items of a kind per pass; the next passes take the rest", async () => {
    const own = await createHarness();
    try {
      own.setNow(BASE);
      const small = createLifecycleSweeper(own.ctx, { batchSize: 2 });
      for (let index = 0; index < 5; index++) await fixtures(own).key({ expiresAt: at(HOUR + index).toISOString() });
      own.setNow(at(2 * HOUR));
      expect(await small.sweepOnce()).toMatchObject({ expired: 2 });
      expect(await small.sweepOnce()).toMatchObject({ expired: 2 });
      expect(await small.sweepOnce()).toMatchObject({ expired: 1 });
      expect(await small.sweepOnce()).toMatchObject({ expired: 0 });
    } finally {
      await own.close();
    }
  });

  it("runs on a timer until stopped", async () => {
    const own = await createHarness();
    try {
      own.setNow(BASE);
      const key = await fixtures(own).key({ expiresAt: at(HOUR).toISOString() });
      own.setNow(at(2 * HOUR));
      const timed = createLifecycleSweeper(own.ctx, { intervalMs: 20 });
      timed.start();
      let found = 0;
      for (let tries = 0; tries < 250 && found === 0; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        found = (await call(own, "GET", `/v1/audit?action=key.expire&target=${key.id}`)).json.items.length;
      }
      await timed.stop();
      expect(found).toBe(1);
    } finally {
      await own.close();
    }
  });
});
