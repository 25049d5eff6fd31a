// Every change through the API writes one audit entry in its workspace's chain: actor, action, target,
// public before/after views, request id, source address and user agent. Refused changes write none.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUDIT_ACTIONS } from "../../src/core/index.js";
import { createHarness, type Harness } from "../support/harness.js";
import { call, expectStatus, fixtures, unique } from "./fixtures.js";
import { auditEntries, change, newest, USER_AGENT } from "./audit-support.js";
import { createLifecycleSweeper } from "../../src/lifecycle/index.js";
import { disableGoneWebhook } from "../../src/services/index.js";

let h: Harness;
let rootKeyId: string;
const seen = new Set<string>();

beforeAll(async () => {
  h = await createHarness();
  rootKeyId = (await call(h, "GET", "/v1/root-keys")).json.items[0].id;
});
afterAll(() => h?.close());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Sends a change and returns the entries it wrote (oldest first), checking what every entry carries. */
async function changed(method: string, url: string, body: unknown, status: number, count = 1) {
  const reply = await change(h, method, url, body);
  expectStatus(reply, status);
  const entries = await newest(h, count);
  for (const entry of entries) {
    expect(entry).toMatchObject({ actor: { type: "root_key", id: rootKeyId }, sourceIp: "127.0.0.1", userAgent: USER_AGENT, requestId: expect.stringMatching(UUID) });
    seen.add(entry.action);
  }
  expect(new Set(entries.map((entry) => entry.requestId)).size).toBe(1);
  return { reply: reply.json, entries };
}

describe("audit entries", () => {
  it("starts the install's chain with the bootstrap, by the system actor", async () => {
    const [created, rootKey] = await auditEntries(h, "order=asc&limit=2");
    expect(created).toMatchObject({ seq: 1, action: "workspace.create", actor: { type: "system" }, target: { type: "workspace" }, after: { name: "default" }, before: null });
    expect(rootKey).toMatchObject({ seq: 2, action: "root_key.create", actor: { type: "system" }, target: { type: "root_key", id: rootKeyId }, after: { permissions: ["*"] } });
    expect(created).toMatchObject({ requestId: null, sourceIp: null, userAgent: null });
    expect(created.actor).toEqual({ type: "system" });
  });

  it("records APIs, roles and identities: create, update, delete, with the views before and after", async () => {
    const api = await changed("POST", "/v1/apis", { name: "billing", prefix: "bill" }, 201);
    expect(api.entries[0]).toMatchObject({ action: "api.create", target: { type: "api", id: api.reply.id }, before: null, after: { id: api.reply.id, name: "billing", prefix: "bill" } });
    const renamed = await changed("PATCH", `/v1/apis/${api.reply.id}`, { name: "invoices" }, 200);
    expect(renamed.entries[0]).toMatchObject({ action: "api.update", before: { name: "billing" }, after: { name: "invoices" } });

    const role = await changed("POST", "/v1/roles", { name: `auditor-${unique()}`, permissions: ["docs:read"] }, 201);
    expect(role.entries[0]).toMatchObject({ action: "role.create", target: { type: "role", id: role.reply.id }, after: { permissions: ["docs:read"] } });
    const widened = await changed("PATCH", `/v1/roles/${role.reply.id}`, { permissions: ["docs:*"] }, 200);
    expect(widened.entries[0]).toMatchObject({ action: "role.update", before: { permissions: ["docs:read"] }, after: { permissions: ["docs:*"] } });

    const identity = await changed("POST", "/v1/identities", { externalId: `user-${unique()}`, credits: { remaining: 5 } }, 201);
    expect(identity.entries[0]).toMatchObject({ action: "identity.create", target: { type: "identity", id: identity.reply.id }, after: { credits: { remaining: 5 } } });
    const meta = await changed("PATCH", `/v1/identities/${identity.reply.id}`, { meta: { plan: "gold" } }, 200);
    expect(meta.entries[0]).toMatchObject({ action: "identity.update", before: { meta: {} }, after: { meta: { plan: "gold" } } });

    for (const [url, action, id] of [
      [`/v1/identities/${identity.reply.id}`, "identity.delete", identity.reply.id],
      [`/v1/roles/${role.reply.id}`, "role.delete", role.reply.id],
      [`/v1/apis/${api.reply.id}`, "api.delete", api.reply.id],
    ] as const) {
      const deleted = await changed("DELETE", url, undefined, 200);
      expect(deleted.entries[0]).toMatchObject({ action, target: { id }, before: { id }, after: null });
    }
  });

  it("records keys: create (and the identity an externalId made), update, rotate, revoke; never the secret or its hash", async () => {
    const apiId = (await fixtures(h).api()).id;
    const externalId = `owner-${unique()}`;
    const created = await changed("POST", "/v1/keys", { apiId, externalId, permissions: ["docs:read"], credits: { remaining: 10 } }, 201, 2);
    const [owner, key] = created.entries;
    expect(owner).toMatchObject({ action: "identity.create", after: { externalId } });
    expect(key).toMatchObject({ action: "key.create", target: { type: "key", id: created.reply.id }, before: null });
    expect(key.after).toMatchObject({ id: created.reply.id, start: created.reply.start, identityId: owner.target.id, permissions: ["docs:read"], credits: { remaining: 10 } });
    expect(Object.keys(key.after)).not.toContain("hash");
    expect(JSON.stringify(created.entries)).not.toContain(created.reply.key);

    const updated = await changed("PATCH", `/v1/keys/${created.reply.id}`, { enabled: false, credits: { add: 5 } }, 200);
    expect(updated.entries[0]).toMatchObject({ action: "key.update", before: { enabled: true, credits: { remaining: 10 } }, after: { enabled: false, credits: { remaining: 15 } } });

    const rotated = await changed("POST", `/v1/keys/${created.reply.id}/rotate`, { gracePeriodSeconds: 60 }, 200);
    const [rotation] = rotated.entries;
    expect(rotation).toMatchObject({ action: "key.rotate", before: { start: created.reply.start }, after: { start: rotated.reply.start, previousValidUntil: rotated.reply.previousValidUntil } });
    expect(JSON.stringify(rotation)).not.toContain(rotated.reply.key);

    const revoked = await changed("POST", `/v1/keys/${created.reply.id}/revoke`, { reason: "audit test" }, 200);
    expect(revoked.entries[0]).toMatchObject({ action: "key.revoke", before: { revokedAt: null }, after: { revokedReason: "audit test", revokedAt: expect.any(String) } });
  });

  it("records root keys, rate limit overrides, and workspaces in both chains", async () => {
    const rootKey = await changed("POST", "/v1/root-keys", { name: "ci", permissions: ["keys:read"] }, 201);
    expect(rootKey.entries[0]).toMatchObject({ action: "root_key.create", target: { type: "root_key", id: rootKey.reply.id }, after: { name: "ci", permissions: ["keys:read"] } });
    const revoked = await changed("POST", `/v1/root-keys/${rootKey.reply.id}/revoke`, { reason: "leaked" }, 200);
    expect(revoked.entries[0]).toMatchObject({ action: "root_key.revoke", before: { revokedAt: null }, after: { revokedReason: "leaked" } });

    const override = { namespace: "login", identifier: `user/${unique()}`, limit: 3, durationMs: 60_000 };
    const set = await changed("PUT", "/v1/ratelimit/overrides", override, 200);
    expect(set.entries[0]).toMatchObject({ action: "ratelimit_override.set", target: { type: "ratelimit_override", id: `login/${override.identifier}` }, before: null, after: { limit: 3 } });
    const reset = await changed("PUT", "/v1/ratelimit/overrides", { ...override, limit: 9 }, 200);
    expect(reset.entries[0]).toMatchObject({ before: { limit: 3 }, after: { limit: 9 } });
    const ref = `namespace=login&identifier=${encodeURIComponent(override.identifier)}`;
    const removed = await changed("DELETE", `/v1/ratelimit/overrides?${ref}`, undefined, 200);
    expect(removed.entries[0]).toMatchObject({ action: "ratelimit_override.delete", before: { limit: 9 }, after: null });

    const workspace = await changed("POST", "/v1/workspaces", { name: "tenant two" }, 201);
    const [creation] = workspace.entries;
    expect(creation).toMatchObject({ action: "workspace.create", target: { type: "workspace", id: workspace.reply.workspace.id }, after: { name: "tenant two" } });
    // The new workspace's own chain: its creation and first root key, by the system, from the same request.
    const own = await auditEntries(h, "order=asc", workspace.reply.rootKey.key);
    expect(own.map((entry) => [entry.seq, entry.action, entry.actor.type])).toEqual([
      [1, "workspace.create", "system"],
      [2, "root_key.create", "system"],
    ]);
    expect(own[0]).toMatchObject({ workspaceId: workspace.reply.workspace.id, requestId: creation.requestId, userAgent: USER_AGENT });
    expect(JSON.stringify(own)).not.toContain(rootKeyId);
  });

  it("records lifecycle announcements by the system: key.expiring, key.expire, key.grace_end, credits.low", async () => {
    const hour = 3_600_000;
    const inAnHour = new Date(Date.now() + hour).toISOString();
    const api = await fixtures(h).api({ policy: { expiringSoonSeconds: 86_400 } });
    const expiring = await fixtures(h).key({ apiId: api.id, expiresAt: inAnHour });
    const rotated = await fixtures(h).key({ credits: { remaining: 2, lowThreshold: 1 } });
    expectStatus(await call(h, "POST", `/v1/keys/${rotated.id}/rotate`, { gracePeriodSeconds: 60 }), 200);
    // Now the key expires within the lead time; two hours ahead it has expired and the grace has ended.
    const sweeper = createLifecycleSweeper(h.ctx);
    await sweeper.sweepOnce();
    await sweeper.sweepOnce(new Date(Date.now() + 2 * hour));
    const credits = await fixtures(h).key({ credits: { remaining: 2, lowThreshold: 1 } });
    expect((await fixtures(h).verify({ key: credits.key })).valid).toBe(true);
    const expected = [
      ["key.expiring", expiring.id],
      ["key.expire", expiring.id],
      ["key.grace_end", rotated.id],
      ["credits.low", credits.id],
    ] as const;
    for (const [action, target] of expected) {
      let found: any[] = [];
      // credits.low is written behind the verification answer.
      for (let tries = 0; tries < 100 && found.length === 0; tries++) {
        found = await auditEntries(h, `action=${action}&target=${target}`);
        if (found.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(found, action).toHaveLength(1);
      expect(found[0]).toMatchObject({ actor: { type: "system" }, requestId: null, sourceIp: null });
      seen.add(action);
    }
  });

  it("records webhook endpoints without their secrets, and Keyward disabling one after a 410", async () => {
    const created = await changed("POST", "/v1/webhooks", { url: "https://93.184.215.14/audit", events: ["key.created"] }, 201);
    const id = created.reply.id as string;
    expect(created.entries[0]).toMatchObject({ action: "webhook.create", target: { type: "webhook", id }, before: null, after: { url: "https://93.184.215.14/audit", enabled: true } });
    const updated = await changed("PATCH", `/v1/webhooks/${id}`, { events: ["key.revoked"] }, 200);
    expect(updated.entries[0]).toMatchObject({ action: "webhook.update", before: { events: ["key.created"] }, after: { events: ["key.revoked"] } });
    const rotated = await changed("POST", `/v1/webhooks/${id}/rotate-secret`, { overlapSeconds: 60 }, 200);
    expect(rotated.entries[0]).toMatchObject({ action: "webhook.rotate_secret", before: { previousSecretExpiresAt: null }, after: { previousSecretExpiresAt: rotated.reply.previousSecretExpiresAt } });
    expect(JSON.stringify([created.entries, rotated.entries])).not.toMatch(/whsec_/);

    const workspaceId = (await call(h, "GET", "/v1/workspaces/current")).json.id;
    expect(await disableGoneWebhook(h.ctx, workspaceId, id)).toBe(true);
    const [disabled] = await auditEntries(h, `action=webhook.disable&target=${id}`);
    expect(disabled).toMatchObject({ actor: { type: "system" }, requestId: null, before: { enabled: true }, after: { enabled: false, disabledReason: "gone" } });
    seen.add("webhook.disable");

    // A failed delivery (its endpoint turned off and on again), sent again.
    const failed = await fixtures(h).failedDelivery();
    const redelivered = await changed("POST", `/v1/webhooks/${failed.webhookId}/deliveries/${failed.deliveryId}/retry`, undefined, 200);
    expect(redelivered.entries[0]).toMatchObject({
      action: "webhook.redeliver",
      target: { type: "webhook", id: failed.webhookId },
      before: null,
      after: { deliveryId: failed.deliveryId, eventType: "key.created", attempts: 0 },
    });

    const deleted = await changed("DELETE", `/v1/webhooks/${id}`, undefined, 200);
    expect(deleted.entries[0]).toMatchObject({ action: "webhook.delete", before: { id }, after: null });
  });

  it("records imported keys and leak reports, never with the secret", async () => {
    const api = await fixtures(h).api();
    const legacy = `legacy_${unique()}_0123456789abcdef`;
    const imported = await changed("POST", "/v1/keys/import", { apiId: api.id, rows: [{ key: legacy, name: "migrated" }] }, 200);
    const keyId = imported.reply.keys[0].keyId as string;
    expect(imported.entries[0]).toMatchObject({ action: "key.import", target: { type: "key", id: keyId }, before: null, after: { id: keyId, name: "migrated" } });

    const leaked = await fixtures(h).key();
    const report = await changed("POST", "/v1/leaks", { findings: [{ key: leaked.key, source: { url: "https://example.com/paste/1" } }] }, 200);
    expect(report.entries[0]).toMatchObject({ action: "key.leak", target: { type: "key", id: leaked.id }, after: { leak: { url: "https://example.com/paste/1" } } });
    expect(JSON.stringify([imported.entries, report.entries])).not.toContain(legacy);
    expect(JSON.stringify(report.entries)).not.toContain(leaked.key);
  });

  it("has written every action of the catalogue, in one valid chain", async () => {
    expect([...seen, "workspace.create", "root_key.create"].sort()).toEqual(expect.arrayContaining(Object.keys(AUDIT_ACTIONS).sort()));
    const verdict = (await call(h, "GET", "/v1/audit/verify")).json;
    expect(verdict).toMatchObject({ valid: true, checkpoints: { enabled: false } });
    expect(verdict.entries).toBe(verdict.head.seq);
  });

  it("writes nothing for a refused change", async () => {
    const before = (await newest(h))[0];
    const role = await fixtures(h).role();
    const head = (await newest(h))[0];
    expect(head.seq).toBe(before.seq + 1);
    for (const [method, url, body, status] of [
      ["POST", "/v1/roles", { name: role.name }, 409],
      ["PATCH", "/v1/roles/role_0000000000000000000001", { name: "x" }, 404],
      ["POST", "/v1/keys", { apiId: "api_0000000000000000000001" }, 404],
      ["POST", "/v1/keys", { apiId: (await fixtures(h).api()).id, permissions: ["not a permission"] }, 400],
      ["DELETE", "/v1/ratelimit/overrides?namespace=login&identifier=nobody", undefined, 404],
    ] as const) {
      const last = (await newest(h))[0].seq;
      expectStatus(await change(h, method, url, body), status);
      expect((await newest(h))[0].seq, `${method} ${url}`).toBe(last);
    }
  });
});
