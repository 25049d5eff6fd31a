import { describe, expect, it } from "vitest";
import { checkApiPolicy, checkLifetime, newKeyExpiry, rotationDueAt } from "./lifetime.js";

const now = new Date("2025-03-01T00:00:00.000Z");
const later = (seconds: number) => new Date(now.getTime() + seconds * 1000);
const DAY = 86_400;

describe("checkLifetime", () => {
  it("allows anything without a maximum lifetime", () => {
    expect(checkLifetime({}, null, now)).toEqual({ ok: true, expiresAt: null });
    expect(checkLifetime({}, later(1000 * DAY), now)).toEqual({ ok: true, expiresAt: later(1000 * DAY) });
  });

  it("allows up to now + maxLifetime and refuses beyond it or never", () => {
    const policy = { maxLifetimeSeconds: 30 * DAY };
    expect(checkLifetime(policy, later(30 * DAY), now)).toEqual({ ok: true, expiresAt: later(30 * DAY) });
    expect(checkLifetime(policy, later(30 * DAY + 1), now)).toEqual({ ok: false, code: "KEY_LIFETIME_EXCEEDS_POLICY", latest: later(30 * DAY) });
    expect(checkLifetime(policy, null, now)).toMatchObject({ ok: false, code: "KEY_LIFETIME_EXCEEDS_POLICY" });
  });
});

describe("newKeyExpiry", () => {
  it("takes the default time to live, else the maximum lifetime, else none", () => {
    expect(newKeyExpiry({}, {}, undefined, now)).toEqual({ ok: true, expiresAt: null });
    expect(newKeyExpiry({}, { expiresInSeconds: 60 }, undefined, now)).toEqual({ ok: true, expiresAt: later(60) });
    expect(newKeyExpiry({ maxLifetimeSeconds: 3600 }, {}, undefined, now)).toEqual({ ok: true, expiresAt: later(3600) });
    expect(newKeyExpiry({ maxLifetimeSeconds: 3600 }, { expiresInSeconds: 60 }, undefined, now)).toEqual({ ok: true, expiresAt: later(60) });
  });

  it("checks what was asked for, including an explicit never", () => {
    expect(newKeyExpiry({ maxLifetimeSeconds: 3600 }, {}, later(3601), now)).toMatchObject({ ok: false });
    expect(newKeyExpiry({ maxLifetimeSeconds: 3600 }, {}, null, now)).toMatchObject({ ok: false });
    expect(newKeyExpiry({}, { expiresInSeconds: 60 }, null, now)).toEqual({ ok: true, expiresAt: null });
  });
});

describe("rotationDueAt", () => {
  it("counts from the last rotation, else from creation", () => {
    expect(rotationDueAt({}, { createdAt: now })).toBeNull();
    expect(rotationDueAt({ rotationPeriodSeconds: 90 * DAY }, { createdAt: now })).toEqual(later(90 * DAY));
    expect(rotationDueAt({ rotationPeriodSeconds: 90 * DAY }, { createdAt: now, rotatedAt: later(DAY) })).toEqual(later(91 * DAY));
  });
});

describe("checkApiPolicy", () => {
  it("refuses a default time to live longer than the maximum lifetime", () => {
    expect(checkApiPolicy({ maxLifetimeSeconds: 60 }, { expiresInSeconds: 61 })).toMatchObject({ ok: false, code: "INVALID_API_POLICY" });
    expect(checkApiPolicy({ maxLifetimeSeconds: 60 }, { expiresInSeconds: 60 })).toEqual({ ok: true });
    expect(checkApiPolicy({}, { expiresInSeconds: 61 })).toEqual({ ok: true });
  });
});
