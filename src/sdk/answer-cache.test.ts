import { describe, expect, it } from "vitest";
import { AnswerCache, hashKey } from "./answer-cache.js";

function cache(ttlMs = 1000, maxEntries = 10) {
  let now = 0;
  return { store: new AnswerCache<string>({ ttlMs, maxEntries, now: () => now }), advance: (ms: number) => (now += ms) };
}

describe("AnswerCache", () => {
  it("keys by a SHA-256 of the key, never the key", () => {
    expect(hashKey("acme_live_secret")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(hashKey("acme_live_secret")).not.toContain("secret");
  });

  it("keeps an answer for the TTL, per caller variant", () => {
    const { store, advance } = cache();
    store.set("h", "ip1", "a");
    expect(store.get("h", "ip1")).toBe("a");
    expect(store.get("h", "ip2")).toBeUndefined();
    advance(999);
    expect(store.get("h", "ip1")).toBe("a");
    advance(1);
    expect(store.get("h", "ip1")).toBeUndefined();
  });

  it("never outlives the key's own expiry", () => {
    const { store, advance } = cache();
    store.set("h", "v", "a", 300);
    advance(300);
    expect(store.get("h", "v")).toBeUndefined();
  });

  it("drops every variant of a key at once", () => {
    const { store } = cache();
    store.set("h", "v1", "a");
    store.set("h", "v2", "b");
    store.drop("h");
    expect([store.get("h", "v1"), store.get("h", "v2")]).toEqual([undefined, undefined]);
  });

  it("stays within its bound, dropping the oldest keys, and stores nothing when disabled", () => {
    const { store } = cache(1000, 2);
    store.set("h1", "v", "1");
    store.set("h2", "v", "2");
    store.set("h3", "v", "3");
    expect([store.get("h1", "v"), store.get("h2", "v"), store.get("h3", "v")]).toEqual([undefined, "2", "3"]);
    const off = cache(0).store;
    off.set("h", "v", "a");
    expect(off.get("h", "v")).toBeUndefined();
  });
});
