import { describe, expect, it } from "vitest";
import type { VerificationSubject } from "../core/index.js";
import { VerifyCache } from "./verify-cache.js";

const subject = (keyId: string, workspaceId = "ws_1") => ({ source: { key: { id: keyId } }, workspaceId }) as unknown as VerificationSubject;
const cache = () => new VerifyCache({ maxEntries: 10, ttlMs: 1_000, negativeTtlMs: 100 });

describe("VerifyCache", () => {
  it("answers a hit, a known unknown key, and a miss; entries expire with their TTL", () => {
    const c = cache();
    const a = subject("key_a");
    c.set("h1", a, 0);
    c.set("h2", null, 0);
    expect(c.lookup("h1", 999)).toBe(a);
    expect(c.get("h1", 999)).toEqual({ hit: true, subject: a });
    expect(c.lookup("h2", 99)).toBeNull();
    expect(c.lookup("h3", 0)).toBeUndefined();
    expect(c.lookup("h2", 100)).toBeUndefined();
    expect(c.lookup("h1", 1_000)).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it("drops every hash of a rotated key on invalidation, also after one of them left", () => {
    const c = cache();
    c.set("current", subject("key_a"), 0);
    c.set("retired-1", subject("key_a"), 0);
    c.set("retired-2", subject("key_a"), 0);
    c.set("other", subject("key_b"), 0);
    c.delete("retired-1");
    c.invalidateKey("key_a");
    expect([c.lookup("current", 1), c.lookup("retired-2", 1)]).toEqual([undefined, undefined]);
    expect(c.lookup("other", 1)).toBeDefined();
    c.set("current", subject("key_a"), 2);
    c.invalidateKey("key_a");
    expect(c.lookup("current", 3)).toBeUndefined();
  });

  it("evicts the oldest entry at the bound, and forgets its key", () => {
    const c = new VerifyCache({ maxEntries: 2, ttlMs: 1_000, negativeTtlMs: 100 });
    c.set("h1", subject("key_1"), 0);
    c.set("h2", subject("key_2"), 0);
    c.set("h3", subject("key_3"), 0);
    expect(c.size).toBe(2);
    expect(c.lookup("h1", 1)).toBeUndefined();
    const epoch = c.epoch;
    c.invalidateKey("key_1");
    expect(c.epoch).toBe(epoch + 1);
    expect(c.size).toBe(2);
  });
});
