// The address rules hold at send time too: a name that resolved to a public address when the endpoint
// was saved and to loopback when Keyward connects (DNS rebinding) is refused, and nothing is sent.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createWebhookWorker, type WebhookWorker } from "../../src/webhooks/index.js";
import { createHarness, type Harness } from "../support/harness.js";
import { call, expectStatus, fixtures } from "../http/fixtures.js";
import { eventually } from "./support/keyward.js";
import { startReceiver, type Receiver } from "./support/receiver.js";

let h: Harness;
let worker: WebhookWorker;
let receiver: Receiver;
let answer = "93.184.215.14";

beforeAll(async () => {
  h = await createHarness();
  receiver = await startReceiver();
  h.ctx.webhooks.lookup = async () => [{ address: answer, family: 4 }];
  worker = createWebhookWorker({ ctx: h.ctx, logger: { warn() {} }, pollIntervalMs: 50, timeoutMs: 2_000, schedule: [60_000] });
});

afterAll(async () => {
  await worker?.stop();
  await receiver?.close();
  await h?.close();
});

it("refuses to connect when the name now resolves to loopback", async () => {
  const port = receiver.port;
  const created = await call(h, "POST", "/v1/webhooks", { url: `https://rebinding.example.com:${port}/keyward`, events: ["key.created"] });
  expectStatus(created, 201);
  answer = "127.0.0.1";
  worker.start();
  await fixtures(h).key();
  const delivery = await eventually(async () => {
    const [item] = (await call(h, "GET", `/v1/webhooks/${created.json.id}/deliveries`)).json.items;
    return item?.attemptCount >= 1 ? item : undefined;
  });
  expect(delivery).toMatchObject({ status: "pending", lastStatusCode: null, lastError: "forbidden target: resolves to a loopback address (127.0.0.1)" });
  expect(receiver.received).toHaveLength(0);
});
