// Failing receivers: retries with a stable webhook-id until a 2xx, Retry-After on 429, 410 disabling
// the endpoint, redirects not followed, and a Keyward restart while a delivery waits (nothing lost).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempDir } from "../e2e/support/keyward-process.js";
import { eventually, startKeyward, type Keyward } from "./support/keyward.js";
import { startReceiver, verify, type Receiver } from "./support/receiver.js";

const tmp = makeTempDir("webhook-retries");
let keyward: Keyward;
const receivers: Receiver[] = [];

beforeAll(async () => {
  keyward = await startKeyward(tmp.dir);
}, 60_000);

afterAll(async () => {
  await keyward?.close();
  await Promise.all(receivers.map((receiver) => receiver.close().catch(() => undefined)));
  tmp.remove();
});

async function receiver(port = 0) {
  const started = await startReceiver(port);
  receivers.push(started);
  return started;
}

async function endpointFor(url: string) {
  const endpoint = await keyward.call("POST", "/v1/webhooks", { url, events: ["key.created"] });
  expect(endpoint.status).toBe(201);
  return endpoint.json as { id: string; secret: string };
}

async function createKey() {
  const api = await keyward.call("POST", "/v1/apis", { name: `api ${Math.random()}`, prefix: `r${Math.random().toString(36).slice(2, 8)}` });
  expect((await keyward.call("POST", "/v1/keys", { apiId: api.json.id })).status).toBe(201);
}

async function deliveryOf(endpointId: string, settled: (delivery: any) => boolean) {
  return eventually(async () => {
    const [delivery] = (await keyward.call("GET", `/v1/webhooks/${endpointId}/deliveries`)).json.items;
    return delivery && settled(delivery) ? delivery : undefined;
  }, 20_000);
}

describe("webhook retries", () => {
  it("retries a failing receiver with the same webhook-id until it accepts, and shows every attempt", async () => {
    const flaky = await receiver();
    flaky.answer = (index) => ({ status: index < 3 ? 500 : 200 });
    const endpoint = await endpointFor(flaky.url);
    await createKey();
    const requests = await flaky.waitFor(4);
    const ids = new Set(requests.map((request) => request.headers["webhook-id"]));
    expect(ids.size).toBe(1);
    for (const request of requests) expect(verify(endpoint.secret, request).type).toBe("key.created");
    // Retried after the (shortened, jittered) schedule: 200 ms ± 50 %.
    for (let i = 1; i < requests.length; i++) expect(requests[i]!.at - requests[i - 1]!.at).toBeGreaterThanOrEqual(90);

    const delivery = await deliveryOf(endpoint.id, (d) => d.status === "delivered");
    expect(delivery.id).toBe([...ids][0]);
    expect(delivery.attemptCount).toBe(4);
    expect(delivery.attempts.map((a: any) => [a.attempt, a.statusCode, a.error])).toEqual([
      [1, 500, "HTTP 500"],
      [2, 500, "HTTP 500"],
      [3, 500, "HTTP 500"],
      [4, 200, null],
    ]);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(flaky.received).toHaveLength(4);
  });

  it("gives up after the last scheduled retry", async () => {
    const broken = await receiver();
    broken.answer = () => ({ status: 503 });
    const endpoint = await endpointFor(broken.url);
    await createKey();
    const delivery = await deliveryOf(endpoint.id, (d) => d.status === "failed");
    // 1 attempt + 6 retries of the test schedule.
    expect(delivery).toMatchObject({ attemptCount: 7, lastStatusCode: 503, nextAttemptAt: null });
    expect(broken.received).toHaveLength(7);
  });

  it("sends a failed delivery again on request, with the same webhook-id, once it is failed and the endpoint on", async () => {
    const down = await receiver();
    down.answer = (index) => ({ status: index < 7 ? 500 : 204 });
    const endpoint = await endpointFor(down.url);
    await createKey();
    const failed = await deliveryOf(endpoint.id, (d) => d.status === "failed");
    expect(failed.attemptCount).toBe(7);
    const retry = (deliveryId: string, endpointId = endpoint.id) => keyward.call("POST", `/v1/webhooks/${endpointId}/deliveries/${deliveryId}/retry`);

    // Turned off: refused until it is on again (and turning it off changes nothing of a failed delivery).
    expect((await keyward.call("PATCH", `/v1/webhooks/${endpoint.id}`, { enabled: false })).status).toBe(200);
    expect((await retry(failed.id)).json).toMatchObject({ status: 409, code: "WEBHOOK_DISABLED" });
    expect((await keyward.call("PATCH", `/v1/webhooks/${endpoint.id}`, { enabled: true })).status).toBe(200);

    const requeued = await retry(failed.id);
    expect(requeued.status).toBe(200);
    expect(requeued.json).toMatchObject({ id: failed.id, status: "pending", attemptCount: 7 });
    const [, , , , , , , eighth] = await down.waitFor(8);
    expect(eighth!.headers["webhook-id"]).toBe(failed.id);
    expect(verify(endpoint.secret, eighth!).type).toBe("key.created");
    const delivered = await deliveryOf(endpoint.id, (d) => d.status === "delivered");
    expect(delivered).toMatchObject({ id: failed.id, attemptCount: 8, lastStatusCode: 204 });
    expect(delivered.attempts.at(-1)).toMatchObject({ attempt: 8, statusCode: 204 });

    // Delivered, unknown, another endpoint's: refused, nothing sent.
    expect((await retry(failed.id)).json).toMatchObject({ status: 409, code: "WEBHOOK_DELIVERY_NOT_FAILED" });
    expect((await retry("msg_doesnotexist")).json).toMatchObject({ status: 404, code: "WEBHOOK_DELIVERY_NOT_FOUND" });
    const other = await endpointFor(down.url);
    expect((await retry(failed.id, other.id)).json).toMatchObject({ status: 404, code: "WEBHOOK_DELIVERY_NOT_FOUND" });
    await keyward.call("DELETE", `/v1/webhooks/${other.id}`);

    const audit = await keyward.call("GET", `/v1/audit?action=webhook.redeliver&target=${endpoint.id}`);
    expect(audit.json.items).toHaveLength(1);
    expect(audit.json.items[0].after).toEqual({ deliveryId: failed.id, eventType: "key.created", attempts: 7 });
  });

  it("waits as long as a 429's Retry-After asks", async () => {
    const busy = await receiver();
    busy.answer = (index) => (index === 0 ? { status: 429, headers: { "retry-after": "2" } } : { status: 200 });
    const endpoint = await endpointFor(busy.url);
    await createKey();
    const [first, second] = await busy.waitFor(2);
    // The schedule alone would retry within 300 ms.
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1_900);
    expect(second!.headers["webhook-id"]).toBe(first!.headers["webhook-id"]);
    const delivery = await deliveryOf(endpoint.id, (d) => d.status === "delivered");
    expect(delivery.attempts.map((a: any) => a.statusCode)).toEqual([429, 200]);
  });

  it("does not follow a redirect: it is a failed attempt", async () => {
    const target = await receiver();
    const redirecting = await receiver();
    redirecting.answer = (index) => (index === 0 ? { status: 302, headers: { location: target.url } } : { status: 204 });
    const endpoint = await endpointFor(redirecting.url);
    await createKey();
    const delivery = await deliveryOf(endpoint.id, (d) => d.status === "delivered");
    expect(delivery.attempts.map((a: any) => [a.statusCode, a.error])).toEqual([
      [302, "HTTP 302 (redirects are not followed)"],
      [204, null],
    ]);
    expect(target.received).toHaveLength(0);
  });

  it("disables the endpoint on 410 Gone, audited as Keyward's own change", async () => {
    const gone = await receiver();
    gone.answer = () => ({ status: 410 });
    const endpoint = await endpointFor(gone.url);
    await createKey();
    const delivery = await deliveryOf(endpoint.id, (d) => d.status === "failed");
    expect(delivery).toMatchObject({ attemptCount: 1, lastStatusCode: 410 });
    const disabled = await eventually(async () => {
      const current = (await keyward.call("GET", `/v1/webhooks/${endpoint.id}`)).json;
      return current.enabled === false ? current : undefined;
    });
    expect(disabled.disabledReason).toBe("gone");
    const entries = (await keyward.call("GET", `/v1/audit?target=${endpoint.id}&action=webhook.disable`)).json.items;
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor: { type: "system" }, after: { enabled: false, disabledReason: "gone" } });

    // Nothing more goes to it; re-enabling resets the reason and deliveries resume.
    await createKey();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(gone.received).toHaveLength(1);
    gone.answer = () => ({ status: 204 });
    const enabled = await keyward.call("PATCH", `/v1/webhooks/${endpoint.id}`, { enabled: true });
    expect(enabled.json).toMatchObject({ enabled: true, disabledReason: null });
    await createKey();
    await gone.waitFor(2);
  });

  it("loses nothing across a restart while the receiver is down", async () => {
    // A port with nobody listening yet: connections are refused.
    const probe = await receiver();
    const port = probe.port;
    await probe.close();
    const endpoint = await endpointFor(`http://127.0.0.1:${port}/keyward`);
    await createKey();
    const failing = await deliveryOf(endpoint.id, (d) => d.attemptCount >= 1);
    expect(failing.status).toBe("pending");
    expect(failing.attempts[0]).toMatchObject({ statusCode: null, error: "connection failed (ECONNREFUSED)" });

    // Keyward stops at once (the delivery still pending); the receiver comes back while it is down.
    let back: Receiver | undefined;
    await keyward.restart(async () => {
      back = await receiver(port);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(back.received).toHaveLength(0);
    });
    const [request] = await back!.waitFor(1, 20_000);
    expect(request!.headers["webhook-id"]).toBe(failing.id);
    expect(verify(endpoint.secret, request!).type).toBe("key.created");
    const delivered = await deliveryOf(endpoint.id, (d) => d.status === "delivered");
    expect(delivered.attempts.at(-1)).toMatchObject({ statusCode: 204, error: null });
  });
});
