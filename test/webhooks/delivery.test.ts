// Webhooks end to end: Keyward's worker posts signed events to a real receiver on 127.0.0.1, which
// verifies them with the standardwebhooks library; secret rotation signs with both secrets.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempDir } from "../e2e/support/keyward-process.js";
import { eventually, startKeyward, type Keyward } from "./support/keyward.js";
import { startReceiver, verify, type Receiver } from "./support/receiver.js";

const tmp = makeTempDir("webhooks");
let keyward: Keyward;
let receiver: Receiver;

beforeAll(async () => {
  keyward = await startKeyward(tmp.dir);
  receiver = await startReceiver();
}, 60_000);

afterAll(async () => {
  await keyward?.close();
  await receiver?.close();
  tmp.remove();
});

async function newKey() {
  const api = await keyward.call("POST", "/v1/apis", { name: `api ${Math.random()}`, prefix: `w${Math.random().toString(36).slice(2, 8)}` });
  const key = await keyward.call("POST", "/v1/keys", { apiId: api.json.id, name: "watched" });
  expect(key.status).toBe(201);
  return key.json as { id: string; key: string; start: string };
}

describe("webhook delivery", () => {
  it("delivers created, rotated and revoked key events, signed and verifiable, once each", async () => {
    const endpoint = await keyward.call("POST", "/v1/webhooks", { url: receiver.url, events: ["key.created", "key.rotated", "key.revoked"] });
    expect(endpoint.status).toBe(201);
    const { secret, id } = endpoint.json;
    const key = await newKey();
    expect((await keyward.call("POST", `/v1/keys/${key.id}/rotate`, { gracePeriodSeconds: 0 })).status).toBe(200);
    expect((await keyward.call("POST", `/v1/keys/${key.id}/revoke`, { reason: "done" })).status).toBe(200);

    const received = await receiver.waitFor(3);
    const events = received.map((request) => verify(secret, request));
    expect(events.map((event) => event.type).sort()).toEqual(["key.created", "key.revoked", "key.rotated"]);
    for (const event of events) {
      expect(event.data).toMatchObject({ id: key.id, actor: { type: "root_key" } });
      expect(Date.parse(event.timestamp)).not.toBeNaN();
    }
    for (const request of received) {
      expect(request.headers["content-type"]).toBe("application/json");
      expect(request.body).not.toContain(key.key);
    }
    // A wrong secret does not verify.
    expect(() => verify(`whsec_${Buffer.alloc(32, 7).toString("base64")}`, received[0]!)).toThrow();

    const deliveries = await eventually(async () => {
      const page = await keyward.call("GET", `/v1/webhooks/${id}/deliveries`);
      return page.json.items.every((d: any) => d.status === "delivered") && page.json.items.length === 3 ? page.json.items : undefined;
    });
    expect(deliveries.map((d: any) => d.id).sort()).toEqual(received.map((r) => r.headers["webhook-id"]).sort());
    for (const delivery of deliveries) {
      expect(delivery).toMatchObject({ attemptCount: 1, lastStatusCode: 204, lastError: null, nextAttemptAt: null });
      expect(delivery.attempts).toEqual([{ attempt: 1, at: expect.any(String), statusCode: 204, error: null, durationMs: expect.any(Number) }]);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.received).toHaveLength(3);
    expect((await keyward.call("DELETE", `/v1/webhooks/${id}`)).status).toBe(200);
  });

  it("signs with both secrets during a rotation's overlap, then with the new one only", async () => {
    receiver.received.length = 0;
    const endpoint = await keyward.call("POST", "/v1/webhooks", { url: receiver.url, events: ["key.created"] });
    const oldSecret = endpoint.json.secret as string;
    const rotated = await keyward.call("POST", `/v1/webhooks/${endpoint.json.id}/rotate-secret`, { overlapSeconds: 2 });
    expect(rotated.status).toBe(200);
    const newSecret = rotated.json.secret as string;

    await newKey();
    const [during] = await receiver.waitFor(1);
    expect(String(during!.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    expect(verify(oldSecret, during!).type).toBe("key.created");
    expect(verify(newSecret, during!).type).toBe("key.created");

    await new Promise((resolve) => setTimeout(resolve, Date.parse(rotated.json.previousSecretExpiresAt) - Date.now() + 100));
    await newKey();
    const [, after] = await receiver.waitFor(2);
    expect(String(after!.headers["webhook-signature"]).split(" ")).toHaveLength(1);
    expect(verify(newSecret, after!).type).toBe("key.created");
    expect(() => verify(oldSecret, after!)).toThrow();
    await keyward.call("DELETE", `/v1/webhooks/${endpoint.json.id}`);
  });
});
