// The fallback: limits keep answering when Redis goes away, it is said once, and Redis takes over
// again by itself. First with a scripted backend, then with a real redis-server killed and restarted.
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { FallbackLimiter, createLimiter, type LimitOutcome, type LimitRequest, type ProbedLimiter } from "../../src/limits/index.js";
import { deleteKeys } from "./adapters.js";
import { hasRedisServer, startRedisServer, type RedisServer } from "./redis-server.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const request = (bucket: string, limit: number, cost = 1): LimitRequest => ({ bucket, name: "burst", limit, durationMs: 60_000, cost });
const logger = () => ({ warn: vi.fn(), info: vi.fn() });

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await sleep(20);
  }
}

/** A backend whose health the test switches: up, failing, or hanging without an answer. */
function scriptedBackend() {
  let mode: "up" | "failing" | "hanging" = "up";
  const readyListeners = new Set<() => void>();
  const answer = (requests: LimitRequest[]): LimitOutcome => ({
    allowed: true,
    results: requests.map((r) => ({ name: r.name, limit: r.limit, remaining: 4242, resetMs: 0, retryAfterMs: null, allowed: true })),
  });
  const respond = async <T>(value: T): Promise<T> => {
    if (mode === "failing") throw new Error("connect ECONNREFUSED");
    if (mode === "hanging") return new Promise<T>(() => {});
    return value;
  };
  const backend: ProbedLimiter = {
    capabilities: { shared: true },
    check: (requests) => respond(answer(requests)),
    probe: () => respond(undefined),
    onReady(listener) {
      readyListeners.add(listener);
      return () => readyListeners.delete(listener);
    },
    close: async () => {},
  };
  return {
    backend,
    set: (next: typeof mode) => (mode = next),
    announceReady: () => readyListeners.forEach((listener) => listener()),
  };
}

describe("fallback limiter", () => {
  it("answers locally while the backend fails, logging and signalling once each way", async () => {
    const scripted = scriptedBackend();
    const log = logger();
    const states: boolean[] = [];
    const limiter = new FallbackLimiter({ primary: scripted.backend, logger: log, onStateChange: (d) => states.push(d), probeIntervalMs: 60_000 });
    const bucket = randomUUID();

    expect((await limiter.check([request(bucket, 3)], Date.now())).results[0]!.remaining).toBe(4242);
    scripted.set("failing");
    const local = [];
    for (let i = 0; i < 5; i++) local.push(await limiter.check([request(bucket, 3)], Date.now()));
    // The local limiter enforces the limit on its own.
    expect(local.map((o) => o.allowed)).toEqual([true, true, true, false, false]);
    expect(limiter.degraded).toBe(true);
    expect(limiter.status()).toMatchObject({ backend: "redis", degraded: true, shared: false, lastError: "connect ECONNREFUSED" });
    expect(log.warn).toHaveBeenCalledTimes(1);
    expect(states).toEqual([true]);

    scripted.set("up");
    scripted.announceReady();
    await until(() => !limiter.degraded, 1_000);
    expect((await limiter.check([request(bucket, 3)], Date.now())).results[0]!.remaining).toBe(4242);
    expect(log.info).toHaveBeenCalledTimes(1);
    expect(states).toEqual([true, false]);
    expect(limiter.status()).toMatchObject({ degraded: false, shared: true, degradedSince: null, lastError: null });
    await limiter.close();
  });

  it("does not wait longer than its timeout for a backend that hangs, and recovers by probing", async () => {
    const scripted = scriptedBackend();
    const limiter = new FallbackLimiter({ primary: scripted.backend, logger: logger(), timeoutMs: 50, probeIntervalMs: 50 });
    scripted.set("hanging");
    const started = Date.now();
    const outcome = await limiter.check([request(randomUUID(), 3)], Date.now());
    expect(Date.now() - started).toBeLessThan(500);
    expect(outcome.allowed).toBe(true);
    expect(limiter.degraded).toBe(true);
    // No 'ready' event this time: the periodic probe alone brings it back.
    scripted.set("up");
    await until(() => !limiter.degraded, 2_000);
    await limiter.close();
  });

  it("survives a state-change hook that throws", async () => {
    const scripted = scriptedBackend();
    const log = logger();
    const limiter = new FallbackLimiter({
      primary: scripted.backend,
      logger: log,
      onStateChange: () => {
        throw new Error("gauge exploded");
      },
    });
    scripted.set("failing");
    await expect(limiter.check([request(randomUUID(), 3)], Date.now())).resolves.toMatchObject({ allowed: true });
    expect(log.warn).toHaveBeenCalledTimes(2);
    await limiter.close();
  });

  it("still refuses malformed limits: that is a caller's bug, not an outage", async () => {
    const scripted = scriptedBackend();
    const limiter = new FallbackLimiter({ primary: scripted.backend, logger: logger() });
    await expect(limiter.check([request(randomUUID(), -1)], Date.now())).rejects.toThrow(RangeError);
    expect(limiter.degraded).toBe(false);
    await limiter.close();
  });

  it("is plain memory when no Redis URL is configured", async () => {
    const limiter = await createLimiter({ logger: logger() });
    expect(limiter.capabilities.shared).toBe(false);
    expect(limiter.status()).toEqual({ backend: "memory", shared: false, degraded: false, degradedSince: null, lastError: null });
    await limiter.close();
  });
});

describe.skipIf(!hasRedisServer())("fallback limiter with a real redis-server", () => {
  const keyPrefix = `keyward:test:${randomBytes(6).toString("hex")}:`;
  let server: RedisServer;

  beforeAll(async () => {
    server = await startRedisServer();
  });

  afterAll(async () => {
    await server?.stop();
  });

  it("keeps answering while Redis is killed, and shares limits again once it is back", async () => {
    const log = logger();
    const states: boolean[] = [];
    // A generous timeout: on a busy CI machine a slow answer must not count as an outage here.
    const limiter = await createLimiter({ redisUrl: server.url, keyPrefix, logger: log, onStateChange: (d) => states.push(d), timeoutMs: 2_000 });
    const bucket = randomUUID();
    expect(limiter.status()).toMatchObject({ backend: "redis", degraded: false, shared: true });
    expect((await limiter.check([request(bucket, 100)], Date.now())).results[0]!.remaining).toBe(99);

    await server.kill();
    const during: LimitOutcome[] = [];
    for (let i = 0; i < 20; i++) during.push(await limiter.check([request(bucket, 3)], Date.now()));
    // No throw; the local limiter knows nothing of Redis's count and enforces the limit itself.
    expect(during.filter((o) => o.allowed)).toHaveLength(3);
    expect(limiter.status()).toMatchObject({ degraded: true, shared: false });
    expect(log.warn).toHaveBeenCalledTimes(1);
    expect(states).toEqual([true]);

    await server.restart();
    await until(() => !limiter.status().degraded, 10_000);
    expect(log.info).toHaveBeenCalledTimes(1);
    expect(log.warn).toHaveBeenCalledTimes(1);
    expect(states).toEqual([true, false]);
    // Served by the restarted (empty) Redis again, not by the exhausted local bucket.
    const after = await limiter.check([request(bucket, 3)], Date.now());
    expect(after.results[0]).toMatchObject({ allowed: true, remaining: 2 });
    await limiter.close();
    await deleteKeys(server.url, keyPrefix);
  });

  it("does not take a busy event loop for an outage", async () => {
    const log = logger();
    const limiter = await createLimiter({ redisUrl: server.url, keyPrefix, logger: log, timeoutMs: 50 });
    for (let i = 0; i < 5; i++) {
      const pending = limiter.check([request(randomUUID(), 3)], Date.now());
      // Block the loop past the timeout: the reply arrives meanwhile and is read before the timer's verdict.
      const busyUntil = Date.now() + 150;
      while (Date.now() < busyUntil);
      await pending;
    }
    expect(limiter.status().degraded).toBe(false);
    expect(log.warn).not.toHaveBeenCalled();
    await limiter.close();
  });

  it("starts degraded when Redis is down at start-up, and takes over when it comes", async () => {
    const port = server.port;
    await server.kill();
    const log = logger();
    const limiter = await createLimiter({ redisUrl: `redis://127.0.0.1:${port}`, keyPrefix, logger: log, connectTimeoutMs: 300, timeoutMs: 2_000 });
    expect(limiter.status().degraded).toBe(true);
    expect((await limiter.check([request(randomUUID(), 1)], Date.now())).allowed).toBe(true);
    await server.restart();
    await until(() => !limiter.status().degraded, 10_000);
    expect(log.warn).toHaveBeenCalledTimes(1);
    await limiter.close();
  });
});
