// One contract for every cross-process change bus: a message published by one node reaches the
// others, malformed messages are dropped, and a node that lost its connection resyncs when it returns.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresBus, RedisBus, type ChangeBus, type ChangeEvent } from "../../src/bus/index.js";
import { hasRedisServer, startRedisServer, type RedisServer } from "../limits/redis-server.js";

const postgresUrl = process.env.KEYWARD_TEST_POSTGRES_URL;

interface Backend {
  name: string;
  available: boolean;
  setup(): Promise<void>;
  teardown(): Promise<void>;
  /** A bus as one node would have it, sharing a namespace with the other buses of the test. */
  make(namespace: string): Promise<ChangeBus>;
  /** Cuts every bus's connection; the buses must come back by themselves. */
  interrupt(): Promise<void>;
}

let redis: RedisServer;
const backends: Backend[] = [
  {
    name: "redis",
    available: hasRedisServer(),
    setup: async () => {
      redis = await startRedisServer();
    },
    teardown: async () => redis?.stop(),
    make: async (namespace) => {
      const bus = new RedisBus({ url: redis.url, namespace });
      expect(await bus.ready()).toBe(true);
      return bus;
    },
    interrupt: async () => {
      await redis.kill();
      await redis.restart();
    },
  },
  {
    name: "postgres",
    available: Boolean(postgresUrl),
    setup: async () => {},
    teardown: async () => {},
    make: async (namespace) => {
      const bus = new PostgresBus({ connectionString: postgresUrl!, namespace });
      await bus.ready();
      return bus;
    },
    interrupt: async () => {
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      await client.query("select pg_terminate_backend(pid) from pg_stat_activity where query ilike 'LISTEN%' and pid <> pg_backend_pid()");
      await client.end();
    },
  },
];

const eventually = async (check: () => boolean, timeoutMs = 5_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe.each(backends.filter((backend) => backend.available))("change bus: $name", (backend) => {
  const buses: ChangeBus[] = [];
  const namespace = `test${randomBytes(4).toString("hex")}`;
  beforeAll(() => backend.setup());
  afterAll(async () => {
    await Promise.all(buses.map((bus) => bus.close()));
    await backend.teardown();
  });

  const node = async () => {
    const bus = await backend.make(namespace);
    buses.push(bus);
    const events: ChangeEvent[] = [];
    let resyncs = 0;
    bus.subscribe({ onEvent: (event) => events.push(event), onResync: () => resyncs++ });
    return { bus, events, resyncs: () => resyncs };
  };

  it("delivers a publication to every other node, in order", async () => {
    const [a, b, c] = [await node(), await node(), await node()];
    expect(a.bus.crossProcess).toBe(true);
    await a.bus.publish({ type: "key", keyId: "key_1" });
    await a.bus.publish({ type: "workspace", workspaceId: "ws_1" });
    for (const other of [b, c]) {
      await eventually(() => other.events.length >= 2);
      expect(other.events).toEqual([
        { type: "key", keyId: "key_1" },
        { type: "workspace", workspaceId: "ws_1" },
      ]);
    }
  });

  it("keeps namespaces apart", async () => {
    const here = await node();
    const elsewhere = await backend.make(`${namespace}other`);
    buses.push(elsewhere);
    await elsewhere.publish({ type: "key", keyId: "key_elsewhere" });
    await here.bus.publish({ type: "key", keyId: "key_here" });
    await eventually(() => here.events.some((event) => event.type === "key" && event.keyId === "key_here"));
    expect(here.events).not.toContainEqual({ type: "key", keyId: "key_elsewhere" });
  });

  it("resyncs a node whose connection was cut, and delivers again afterwards", async () => {
    const [a, b] = [await node(), await node()];
    await backend.interrupt();
    await eventually(() => b.resyncs() >= 1, 10_000);
    // Publishing may fail until the publisher is back too; retry as a node's next change would.
    await eventually(() => {
      void a.bus.publish({ type: "key", keyId: "key_after" }).catch(() => {});
      return b.events.some((event) => event.type === "key" && event.keyId === "key_after");
    }, 10_000);
  }, 30_000);
});
