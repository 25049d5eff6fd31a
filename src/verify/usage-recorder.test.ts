import { describe, expect, it } from "vitest";
import type { KeyUsage } from "../storage/port.js";
import { FLUSH_CHUNK_KEYS, UsageRecorder } from "./usage-recorder.js";

/** A store double that keeps every write, and can fail the n-th call. */
function fakeStore(failOnCall?: number) {
  const calls: KeyUsage[][] = [];
  return {
    calls,
    keys: {
      async recordUsage(usage: KeyUsage[]) {
        calls.push(usage);
        if (calls.length === failOnCall) throw new Error("database is locked");
      },
    },
  };
}

const quiet = { warn() {} };

describe("UsageRecorder", () => {
  it("collects one entry per key: the count of verifications and the latest time, as a Date at the flush", async () => {
    const store = fakeStore();
    const recorder = new UsageRecorder(store.keys, quiet);
    recorder.record("key_a", 2_000);
    recorder.record("key_a", 1_000);
    recorder.record("key_b", 5_000);
    recorder.record("key_a", 3_000);
    expect(recorder.pendingKeys).toBe(2);
    await recorder.flush();
    expect(store.calls).toEqual([
      [
        { keyId: "key_a", lastUsedAt: new Date(3_000), verifications: 3 },
        { keyId: "key_b", lastUsedAt: new Date(5_000), verifications: 1 },
      ],
    ]);
    expect(recorder.pendingKeys).toBe(0);
  });

  it("writes a large batch in several short store calls, every key exactly once", async () => {
    const store = fakeStore();
    const flushes: [string, number][] = [];
    const recorder = new UsageRecorder(store.keys, quiet, (outcome, keys) => flushes.push([outcome, keys]));
    for (let i = 0; i < 1_050; i++) recorder.record(`key_${i}`, i);
    await recorder.flush();
    expect(store.calls.length).toBeGreaterThan(1);
    expect(Math.max(...store.calls.map((call) => call.length))).toBeLessThanOrEqual(FLUSH_CHUNK_KEYS);
    const written = store.calls.flat();
    expect(written).toHaveLength(1_050);
    expect(new Set(written.map((usage) => usage.keyId)).size).toBe(1_050);
    expect(flushes).toEqual([["ok", 1_050]]);
  });

  it("serves other work between the store calls of one flush", async () => {
    const store = fakeStore();
    const recorder = new UsageRecorder(store.keys, quiet);
    for (let i = 0; i < 600; i++) recorder.record(`key_${i}`, i);
    let callsWhenTimerRan = -1;
    setImmediate(() => (callsWhenTimerRan = store.calls.length));
    await recorder.flush();
    expect(callsWhenTimerRan).toBeGreaterThan(0);
    expect(callsWhenTimerRan).toBeLessThan(store.calls.length);
  });

  it("keeps what a failed call did not write for the next flush, merged with what came meanwhile", async () => {
    const store = fakeStore(2);
    const flushes: [string, number][] = [];
    const warnings: object[] = [];
    const recorder = new UsageRecorder(store.keys, { warn: (object) => warnings.push(object) }, (outcome, keys) => flushes.push([outcome, keys]));
    for (let i = 0; i < 600; i++) recorder.record(`key_${String(i).padStart(3, "0")}`, 1_000);
    await recorder.flush();
    // The first chunk was written; the call for the next failed: that chunk and the rest wait.
    const unwritten = 600 - FLUSH_CHUNK_KEYS;
    expect(flushes).toEqual([["error", unwritten]]);
    expect(warnings).toHaveLength(1);
    expect(recorder.pendingKeys).toBe(unwritten);

    recorder.record("key_300", 9_000);
    await recorder.flush();
    const retried = store.calls.slice(2).flat();
    expect(retried).toHaveLength(unwritten);
    expect(retried.find((usage) => usage.keyId === "key_300")).toEqual({ keyId: "key_300", lastUsedAt: new Date(9_000), verifications: 2 });
    expect(retried.some((usage) => usage.keyId === "key_050")).toBe(false);
    expect(recorder.pendingKeys).toBe(0);
  });

  it("shares one flush between concurrent callers", async () => {
    const store = fakeStore();
    const recorder = new UsageRecorder(store.keys, quiet);
    recorder.record("key_a", 1);
    await Promise.all([recorder.flush(), recorder.flush(), recorder.flush()]);
    expect(store.calls).toHaveLength(1);
  });

  it("adds usage counted in slots (a cache entry per secret) to the key's, once per flush", async () => {
    const store = fakeStore();
    const recorder = new UsageRecorder(store.keys, quiet);
    const current = { usageKeyId: "key_a", usageCount: 0, usageLastAt: 0 };
    const retired = { usageKeyId: "key_a", usageCount: 0, usageLastAt: 0 };
    recorder.recordInto(current, 2_000);
    recorder.recordInto(current, 1_500);
    recorder.recordInto(retired, 2_500);
    recorder.record("key_a", 1_000);
    recorder.recordInto(current, 1_800);
    expect(recorder.pendingKeys).toBe(1);
    await recorder.flush();
    expect(store.calls).toEqual([[{ keyId: "key_a", lastUsedAt: new Date(2_500), verifications: 5 }]]);
    await recorder.flush();
    expect(store.calls).toHaveLength(1);
    // Counted again after the flush: collected again, and only what came since.
    recorder.recordInto(current, 3_000);
    await recorder.flush();
    expect(store.calls[1]).toEqual([{ keyId: "key_a", lastUsedAt: new Date(3_000), verifications: 1 }]);
  });
});
