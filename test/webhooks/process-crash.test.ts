// At-least-once across a crash: `keyward serve` (a real process on a SQLite file) is killed with
// SIGKILL while a key.created delivery waits for a receiver that is down; a new process on the same
// file delivers it, signed, with the same webhook-id. Nothing the outbox held is lost.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, killAll, makeTempDir, ROOT_KEY, spawnKeyward } from "../e2e/support/keyward-process.js";
import { eventually, TEST_SCHEDULE_MS } from "./support/keyward.js";
import { startReceiver, verify, type Receiver } from "./support/receiver.js";

const tmp = makeTempDir("webhook-crash");
const env = {
  KEYWARD_PORT: "0",
  KEYWARD_DATABASE_URL: join(tmp.dir, "keyward.db"),
  KEYWARD_WEBHOOKS_ALLOW_INTERNAL: "true",
  KEYWARD_WEBHOOK_POLL_INTERVAL_MS: "50",
  KEYWARD_WEBHOOK_RETRY_SCHEDULE_MS: TEST_SCHEDULE_MS.replaceAll("200", "1000"),
};
let receiver: Receiver | undefined;

beforeAll(() => ensureBuilt(), 180_000);
afterAll(async () => {
  killAll();
  await receiver?.close().catch(() => undefined);
  tmp.remove();
});

async function call(url: string, rootKey: string, method: string, path: string, body?: unknown) {
  const response = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${rootKey}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, json: (await response.json()) as any };
}

describe("a webhook delivery across a crash of the Keyward process", () => {
  it("is delivered by the next process after SIGKILL, with its webhook-id and a valid signature", async () => {
    // A port nobody listens on yet: every attempt of the first process is refused.
    const probe = await startReceiver(0);
    const port = probe.port;
    await probe.close();

    const first = spawnKeyward(env, { cwd: tmp.dir });
    const url = await first.listening();
    const rootKey = first.stdout().match(ROOT_KEY)![0]!;
    const endpoint = await call(url, rootKey, "POST", "/v1/webhooks", { url: `http://127.0.0.1:${port}/hook`, events: ["key.created"] });
    expect(endpoint.status).toBe(201);
    const api = await call(url, rootKey, "POST", "/v1/apis", { name: "crash", prefix: "crash" });
    const key = await call(url, rootKey, "POST", "/v1/keys", { apiId: api.json.id });
    expect(key.status).toBe(201);
    const pending = await eventually(async () => {
      const [delivery] = (await call(url, rootKey, "GET", `/v1/webhooks/${endpoint.json.id}/deliveries`)).json.items;
      return delivery?.attemptCount >= 1 ? delivery : undefined;
    });
    expect(pending.status).toBe("pending");

    const killed = await first.stop("SIGKILL");
    expect(killed.signal).toBe("SIGKILL");
    receiver = await startReceiver(port);

    const second = spawnKeyward(env, { cwd: tmp.dir });
    const secondUrl = await second.listening();
    const [request] = await receiver.waitFor(1, 30_000);
    expect(request!.headers["webhook-id"]).toBe(pending.id);
    const event = verify(endpoint.json.secret, request!);
    expect(event).toMatchObject({ type: "key.created", data: { id: key.json.id } });
    expect(request!.body).not.toContain(key.json.key);
    const delivered = await eventually(async () => {
      const [delivery] = (await call(secondUrl, rootKey, "GET", `/v1/webhooks/${endpoint.json.id}/deliveries`)).json.items;
      return delivery?.status === "delivered" ? delivery : undefined;
    }, 30_000);
    expect(delivered.id).toBe(pending.id);
    await second.stop();
  }, 120_000);
});
