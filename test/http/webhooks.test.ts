// /v1/webhooks over HTTP: CRUD, the secret shown once, refused URLs (SSRF rules), audit entries
// without secrets, and outbox rows written with the change they announce.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../support/harness.js";
import { auditEntries } from "./audit-support.js";
import { call, expectProblem, expectRefused, expectStatus, fixtures, unknownId, type Fixtures } from "./fixtures.js";

let h: Harness;
let f: Fixtures;
/** Names the fake resolver knows; anything else does not resolve. */
const DNS: Record<string, string[]> = {
  "hooks.example.com": ["93.184.215.14"],
  "rebind.example.com": ["93.184.215.14", "127.0.0.1"],
  "loopback.example.com": ["127.0.0.1"],
  "v6loop.example.com": ["::1"],
  "metadata.example.com": ["169.254.169.254"],
  "private.example.com": ["10.0.0.7"],
  "mapped.example.com": ["::ffff:192.168.0.1"],
};

beforeAll(async () => {
  h = await createHarness();
  f = fixtures(h);
  // DNS is a third party: a fixed table makes the rules testable offline.
  h.ctx.webhooks.lookup = async (host) => {
    const addresses = DNS[host];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
    return addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
});
afterAll(() => h?.close());

const create = (body: unknown) => call(h, "POST", "/v1/webhooks", body);

describe("webhook endpoints", () => {
  it("shows the signing secret once, at creation", async () => {
    const reply = await create({ url: "https://hooks.example.com/keyward", events: ["key.created", "key.revoked", "key.created"] });
    expectStatus(reply, 201);
    expect(reply.json).toMatchObject({
      id: expect.stringMatching(/^whk_/),
      url: "https://hooks.example.com/keyward",
      events: ["key.created", "key.revoked"],
      enabled: true,
      disabledReason: null,
      previousSecretExpiresAt: null,
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
    });
    const { secret, id } = reply.json;
    const got = await call(h, "GET", `/v1/webhooks/${id}`);
    expectStatus(got, 200);
    expect(got.json).toEqual({ ...reply.json, secret: undefined });
    expect(got.text).not.toContain("whsec_");
    const listed = await call(h, "GET", "/v1/webhooks?limit=100");
    expect(listed.json.items.map((item: { id: string }) => item.id)).toContain(id);
    expect(listed.text).not.toContain(secret);
    const entries = await auditEntries(h, `target=${id}`);
    expect(entries.map((entry) => entry.action)).toEqual(["webhook.create"]);
    expect(JSON.stringify(entries)).not.toContain(secret.slice(6));
  });

  it("updates, disables, re-enables and deletes, each audited", async () => {
    const endpoint = await f.webhook();
    const patched = await call(h, "PATCH", `/v1/webhooks/${endpoint.id}`, { url: "https://hooks.example.com/v2", events: ["credits.low"], enabled: false });
    expectStatus(patched, 200);
    expect(patched.json).toMatchObject({ url: "https://hooks.example.com/v2", events: ["credits.low"], enabled: false });
    expectStatus(await call(h, "PATCH", `/v1/webhooks/${endpoint.id}`, { enabled: true }), 200);
    expectStatus(await call(h, "DELETE", `/v1/webhooks/${endpoint.id}`), 200);
    expectProblem(await call(h, "GET", `/v1/webhooks/${endpoint.id}`), 404, "WEBHOOK_NOT_FOUND");
    expectProblem(await call(h, "DELETE", `/v1/webhooks/${endpoint.id}`), 404, "WEBHOOK_NOT_FOUND");
    const entries = await auditEntries(h, `target=${endpoint.id}`);
    expect(entries.map((entry) => entry.action)).toEqual(["webhook.delete", "webhook.update", "webhook.update", "webhook.create"]);
    expect(entries[2].after).toMatchObject({ enabled: false, url: "https://hooks.example.com/v2" });
  });

  it("rotates the secret: a new one shown once, the old one overlapping for the time asked", async () => {
    const endpoint = await f.webhook();
    const before = Date.now();
    const rotated = await call(h, "POST", `/v1/webhooks/${endpoint.id}/rotate-secret`, { overlapSeconds: 3600 });
    expectStatus(rotated, 200);
    expect(rotated.json.secret).toMatch(/^whsec_/);
    expect(rotated.json.secret).not.toBe(endpoint.secret);
    const expires = Date.parse(rotated.json.previousSecretExpiresAt);
    expect(expires - before).toBeGreaterThanOrEqual(3600_000 - 1000);
    expect(expires - before).toBeLessThan(3600_000 + 60_000);
    const byDefault = await call(h, "POST", `/v1/webhooks/${endpoint.id}/rotate-secret`, {});
    expect(Date.parse(byDefault.json.previousSecretExpiresAt) - before).toBeGreaterThanOrEqual(86_400_000 - 1000);
    const entries = await auditEntries(h, `target=${endpoint.id}&action=webhook.rotate_secret`);
    expect(entries).toHaveLength(2);
    expect(JSON.stringify(entries)).not.toMatch(/whsec_/);
    expectProblem(await call(h, "POST", `/v1/webhooks/${unknownId("whk")}/rotate-secret`, {}), 404, "WEBHOOK_NOT_FOUND");
  });

  it("keeps the secret out of the listing and the audit log", async () => {
    const endpoint = await f.webhook();
    const everything = JSON.stringify([await call(h, "GET", "/v1/webhooks?limit=100"), await auditEntries(h, "limit=100")]);
    expect(everything).not.toContain(endpoint.secret);
    expect(everything).not.toContain(endpoint.secret.slice(6));
  });
});

describe("refused webhook URLs", () => {
  it.each([
    ["https://127.0.0.1/hook", "WEBHOOK_URL_FORBIDDEN"],
    ["https://[::1]/hook", "WEBHOOK_URL_FORBIDDEN"],
    ["https://[::ffff:127.0.0.1]/hook", "WEBHOOK_URL_FORBIDDEN"],
    ["https://169.254.169.254/latest/meta-data/", "WEBHOOK_URL_FORBIDDEN"],
    ["https://2130706433/hook", "WEBHOOK_URL_FORBIDDEN"],
    ["https://0x7f000001/hook", "WEBHOOK_URL_FORBIDDEN"],
    ["https://0177.0.0.1/hook", "WEBHOOK_URL_FORBIDDEN"],
    ["https://127.1/hook", "WEBHOOK_URL_FORBIDDEN"],
    ["https://10.1.2.3/hook", "WEBHOOK_URL_FORBIDDEN"],
    ["https://loopback.example.com/hook", "WEBHOOK_URL_FORBIDDEN"],
    ["https://v6loop.example.com/hook", "WEBHOOK_URL_FORBIDDEN"],
    ["https://rebind.example.com/hook", "WEBHOOK_URL_FORBIDDEN"],
    ["https://metadata.example.com/hook", "WEBHOOK_URL_FORBIDDEN"],
    ["https://private.example.com/hook", "WEBHOOK_URL_FORBIDDEN"],
    ["https://mapped.example.com/hook", "WEBHOOK_URL_FORBIDDEN"],
    ["http://hooks.example.com/hook", "WEBHOOK_URL_INVALID"],
    ["https://user:pass@hooks.example.com/hook", "WEBHOOK_URL_INVALID"],
    ["https://nowhere.example.com/hook", "WEBHOOK_URL_INVALID"],
    ["hooks.example.com/hook", "WEBHOOK_URL_INVALID"],
  ])("refuses %s with %s and creates nothing", async (url, code) => {
    const reply = await expectRefused(h, "POST", "/v1/webhooks", { url, events: ["key.created"] }, 400, code);
    expect(reply.json.errors).toEqual([{ pointer: "/body/url", message: expect.any(String) }]);
  });

  it("refuses a forbidden URL on update too, and changes nothing", async () => {
    const endpoint = await f.webhook();
    await expectRefused(h, "PATCH", `/v1/webhooks/${endpoint.id}`, { url: "https://loopback.example.com/x" }, 400, "WEBHOOK_URL_FORBIDDEN");
    expect((await call(h, "GET", `/v1/webhooks/${endpoint.id}`)).json.url).toBe(endpoint.url);
  });

  it.each([
    [{ url: "https://hooks.example.com/x", events: [] }],
    [{ url: "https://hooks.example.com/x", events: ["key.exploded"] }],
    [{ url: "https://hooks.example.com/x" }],
    [{ events: ["key.created"] }],
    [{ url: "https://hooks.example.com/x", events: ["key.created"], secret: "whsec_mine" }],
    [{ url: `https://hooks.example.com/${"x".repeat(2100)}`, events: ["key.created"] }],
  ])("refuses the body %# with VALIDATION_FAILED", async (body) => {
    await expectRefused(h, "POST", "/v1/webhooks", body, 400, "VALIDATION_FAILED");
  });

  it("refuses bad patches and overlaps", async () => {
    const endpoint = await f.webhook();
    expectProblem(await call(h, "PATCH", `/v1/webhooks/${endpoint.id}`, {}), 400, "VALIDATION_FAILED");
    expectProblem(await call(h, "PATCH", `/v1/webhooks/${endpoint.id}`, { enabled: "yes" }), 400, "VALIDATION_FAILED");
    expectProblem(await call(h, "POST", `/v1/webhooks/${endpoint.id}/rotate-secret`, { overlapSeconds: -1 }), 400, "VALIDATION_FAILED");
    expectProblem(await call(h, "POST", `/v1/webhooks/${endpoint.id}/rotate-secret`, { overlapSeconds: 8 * 86_400 }), 400, "VALIDATION_FAILED");
    expectProblem(await call(h, "GET", `/v1/webhooks/${endpoint.id}/deliveries?cursor=nope`), 400, "INVALID_CURSOR");
  });
});

describe("the outbox", () => {
  it("gets one pending delivery per subscribed endpoint when a key changes, with the public view only", async () => {
    const created = await f.webhook({ events: ["key.created", "key.revoked"] });
    const revokedOnly = await f.webhook({ events: ["key.revoked"] });
    const disabled = await f.webhook({ events: ["key.created"] });
    expectStatus(await call(h, "PATCH", `/v1/webhooks/${disabled.id}`, { enabled: false }), 200);

    const key = await f.key({ name: "announced" });
    await f.revoke(key.id);
    const deliveries = async (id: string) => (await call(h, "GET", `/v1/webhooks/${id}/deliveries`)).json.items;
    const first = await deliveries(created.id);
    expect(first.map((d: any) => d.eventType)).toEqual(["key.created", "key.revoked"]);
    expect(first[0]).toMatchObject({ id: expect.stringMatching(/^msg_/), status: "pending", attemptCount: 0, attempts: [], deliveredAt: null });
    expect(first[0].payload).toEqual({
      type: "key.created",
      timestamp: expect.any(String),
      data: expect.objectContaining({ id: key.id, name: "announced", start: key.start, actor: { type: "root_key", id: expect.stringMatching(/^key_/) } }),
    });
    expect(first[1].payload.data).toMatchObject({ id: key.id, revokedReason: "test" });
    expect(JSON.stringify(first)).not.toContain(key.key);
    expect((await deliveries(revokedOnly.id)).map((d: any) => d.eventType)).toEqual(["key.revoked"]);
    expect(await deliveries(disabled.id)).toEqual([]);
    // The audit entry and the event carry the same time.
    const [entry] = await auditEntries(h, `target=${key.id}&action=key.create`);
    expect(first[0].payload.timestamp).toBe(entry.time);
  });

  it("writes nothing when the change is refused", async () => {
    const endpoint = await f.webhook({ events: ["key.updated"] });
    const key = await f.key();
    expectProblem(await call(h, "PATCH", `/v1/keys/${key.id}`, { permissions: ["not a permission"] }), 400, "INVALID_PERMISSION");
    expect((await call(h, "GET", `/v1/webhooks/${endpoint.id}/deliveries`)).json.items).toEqual([]);
  });

  it("pages deliveries", async () => {
    const endpoint = await f.webhook({ events: ["key.created"] });
    for (let i = 0; i < 3; i++) await f.key();
    const page = await call(h, "GET", `/v1/webhooks/${endpoint.id}/deliveries?limit=2`);
    expect(page.json.items).toHaveLength(2);
    const next = await call(h, "GET", `/v1/webhooks/${endpoint.id}/deliveries?limit=2&cursor=${page.json.nextCursor}`);
    expect(next.json.items).toHaveLength(1);
    expect(next.json.nextCursor).toBeNull();
  });
});
