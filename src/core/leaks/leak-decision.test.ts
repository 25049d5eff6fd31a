import { describe, expect, it } from "vitest";
import type { ApiRecord, KeyRecord } from "../records.js";
import { alreadyDone, decideLeak, leakLabel } from "./leak-decision.js";
import { isPlausibleToken } from "./leak-token.js";

const now = new Date("2025-03-01T00:00:00Z");
const later = new Date(now.getTime() + 60_000);
const api = (overrides: Partial<ApiRecord> = {}) => ({ kind: "customer", policy: {}, ...overrides }) as ApiRecord;
const key = (overrides: Partial<KeyRecord> = {}) => ({ enabled: true, revokedAt: null, ...overrides }) as KeyRecord;

describe("decideLeak", () => {
  it("revokes a live key by default, and disables it where the API's policy says so", () => {
    expect(decideLeak({ key: key(), api: api() }, now)).toEqual({ action: "revoke", outcome: "revoked" });
    expect(decideLeak({ key: key(), api: api({ policy: { onLeak: "revoke" } }) }, now)).toEqual({ action: "revoke", outcome: "revoked" });
    expect(decideLeak({ key: key(), api: api({ policy: { onLeak: "disable" } }) }, now)).toEqual({ action: "disable", outcome: "disabled" });
  });

  it("always revokes a root key", () => {
    expect(decideLeak({ key: key(), api: api({ kind: "root", policy: { onLeak: "disable" } }) }, now).action).toBe("revoke");
  });

  it("revokes a disabled key under the revoke policy, and leaves it under the disable policy", () => {
    expect(decideLeak({ key: key({ enabled: false }), api: api() }, now)).toEqual({ action: "revoke", outcome: "revoked" });
    expect(decideLeak({ key: key({ enabled: false }), api: api({ policy: { onLeak: "disable" } }) }, now)).toEqual({ action: null, outcome: "already_disabled" });
  });

  it("writes nothing for a revoked key or an unknown token", () => {
    expect(decideLeak({ key: key({ revokedAt: now }), api: api() }, now)).toEqual({ action: null, outcome: "already_revoked" });
    expect(decideLeak({ key: key({ revokedAt: now }), api: api(), graceEndsAt: later }, now)).toEqual({ action: null, outcome: "already_revoked" });
    expect(decideLeak(null, now)).toEqual({ action: null, outcome: "unknown" });
  });

  it("ends the grace of a retired secret, whatever the policy, and leaves an ended one", () => {
    expect(decideLeak({ key: key(), api: api({ policy: { onLeak: "disable" } }), graceEndsAt: later }, now)).toEqual({ action: "end_grace", outcome: "grace_ended" });
    expect(decideLeak({ key: key(), api: api(), graceEndsAt: now }, now)).toEqual({ action: null, outcome: "already_expired" });
  });

  it("names what a concurrent report already did", () => {
    expect([alreadyDone("revoke"), alreadyDone("disable"), alreadyDone("end_grace")]).toEqual(["already_revoked", "already_disabled", "already_expired"]);
  });

  it("labels every existing key a true positive for GitHub", () => {
    expect(leakLabel("unknown")).toBe("false_positive");
    for (const outcome of ["revoked", "disabled", "grace_ended", "already_revoked", "already_disabled", "already_expired"] as const) expect(leakLabel(outcome)).toBe("true_positive");
  });
});

describe("isPlausibleToken", () => {
  it("takes printable tokens of a plausible length, Keyward's or not", () => {
    expect(isPlausibleToken("acme_live_3xK9aaaaaaaaaaaaaaaaaaaaaaaaaa")).toBe(true);
    expect(isPlausibleToken("sk-imported-0123456789")).toBe(true);
    expect(isPlausibleToken("short")).toBe(false);
    expect(isPlausibleToken("has a space in it")).toBe(false);
    expect(isPlausibleToken("ünïcødé-token")).toBe(false);
    expect(isPlausibleToken("x".repeat(513))).toBe(false);
  });
});
