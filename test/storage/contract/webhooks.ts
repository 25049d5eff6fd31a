// Contract: webhook endpoints (secrets, rotation, subscriptions) and the delivery outbox (leases that
// nodes never share, attempts, disabling, deletion, transactions).
import { expect, it } from "vitest";
import type { WebhookEvent } from "../../../src/core/index.js";
import type { NewWebhookDelivery, Store, WebhookAttempt } from "../../../src/storage/index.js";
import { at, collectPages, newId, openNodes, seedTenant, T0, type ContractContext, type Tenant } from "../fixtures.js";

function newEndpoint(tenant: Tenant, overrides: { events?: WebhookEvent[]; url?: string; secret?: string } = {}) {
  return {
    id: newId("whk"),
    workspaceId: tenant.workspace.id,
    url: overrides.url ?? "https://hooks.example.com/in",
    events: overrides.events ?? (["key.created", "key.revoked"] as WebhookEvent[]),
    secret: overrides.secret ?? `whsec_${newId("req")}`,
    now: T0,
  };
}

function newDelivery(tenant: Tenant, endpointId: string, now: Date, eventType: WebhookEvent = "key.created"): NewWebhookDelivery {
  return { id: newId("msg", now), workspaceId: tenant.workspace.id, endpointId, eventType, payload: `{"type":"${eventType}","n":"${newId("req")}"}`, now };
}

const attempt = (n: number, when: Date, statusCode: number | null, error: string | null = null): WebhookAttempt => ({ attempt: n, at: when, statusCode, error, durationMs: 12 });

/** Claims at `now` and keeps only the tenant's deliveries (the outbox is shared by every workspace). */
async function claim(store: Store, tenant: Tenant, now: Date, token = newId("req")) {
  const claimed = await store.webhooks.claimDue(now, new Date(now.getTime() + 30_000), 100, token);
  return claimed.filter((delivery) => delivery.workspaceId === tenant.workspace.id);
}

export function webhookContract(context: ContractContext): void {
  const { store } = context;

  it("creates, reads, lists, updates and deletes endpoints of the workspace only", async () => {
    const tenant = await seedTenant(store());
    const other = await seedTenant(store());
    const input = newEndpoint(tenant);
    const created = await store().webhooks.create(input);
    expect(created).toEqual({
      id: input.id,
      workspaceId: tenant.workspace.id,
      url: input.url,
      events: ["key.created", "key.revoked"],
      enabled: true,
      disabledReason: null,
      previousSecretExpiresAt: null,
      createdAt: T0,
      updatedAt: T0,
    });
    expect(JSON.stringify(created)).not.toContain(input.secret);
    expect(await store().webhooks.get(tenant.workspace.id, input.id)).toEqual(created);
    expect(await store().webhooks.get(other.workspace.id, input.id)).toBeNull();
    expect(await store().webhooks.update(other.workspace.id, input.id, { enabled: false }, at(1))).toBeNull();
    expect(await store().webhooks.delete(other.workspace.id, input.id)).toBe(false);

    const updated = await store().webhooks.update(tenant.workspace.id, input.id, { url: "https://b.example.com/", events: ["credits.low"] }, at(2));
    expect(updated).toEqual({ ...created, url: "https://b.example.com/", events: ["credits.low"], updatedAt: at(2) });
    const disabled = await store().webhooks.update(tenant.workspace.id, input.id, { enabled: false, disabledReason: "gone" }, at(3));
    expect(disabled).toMatchObject({ enabled: false, disabledReason: "gone" });
    const enabled = await store().webhooks.update(tenant.workspace.id, input.id, { enabled: true }, at(4));
    expect(enabled).toMatchObject({ enabled: true, disabledReason: null, updatedAt: at(4) });

    const more = [await store().webhooks.create(newEndpoint(tenant)), await store().webhooks.create(newEndpoint(tenant))];
    await store().webhooks.create(newEndpoint(other));
    const { ids, pages } = await collectPages((after) => store().webhooks.list(tenant.workspace.id, { limit: 2, after }), 2);
    expect(ids).toEqual([input.id, ...more.map((e) => e.id)].sort());
    expect(pages).toBe(2);

    expect(await store().webhooks.delete(tenant.workspace.id, input.id)).toBe(true);
    expect(await store().webhooks.get(tenant.workspace.id, input.id)).toBeNull();
    expect(await store().webhooks.delete(tenant.workspace.id, input.id)).toBe(false);
  });

  it("finds the enabled subscribers of an event", async () => {
    const tenant = await seedTenant(store());
    const other = await seedTenant(store());
    const created = await store().webhooks.create(newEndpoint(tenant, { events: ["key.created"] }));
    const both = await store().webhooks.create(newEndpoint(tenant, { events: ["key.created", "key.revoked"] }));
    const off = await store().webhooks.create(newEndpoint(tenant, { events: ["key.created"] }));
    await store().webhooks.update(tenant.workspace.id, off.id, { enabled: false }, at(1));
    await store().webhooks.create(newEndpoint(other, { events: ["key.created"] }));
    expect((await store().webhooks.subscribers(tenant.workspace.id, "key.created")).map((e) => e.id)).toEqual([created.id, both.id].sort());
    expect((await store().webhooks.subscribers(tenant.workspace.id, "key.revoked")).map((e) => e.id)).toEqual([both.id]);
    expect(await store().webhooks.subscribers(tenant.workspace.id, "credits.low")).toEqual([]);
  });

  it("requeues a failed delivery of its endpoint only, keeping its attempts", async () => {
    const tenant = await seedTenant(store());
    const endpoint = await store().webhooks.create(newEndpoint(tenant));
    const sibling = await store().webhooks.create(newEndpoint(tenant));
    const delivery = newDelivery(tenant, endpoint.id, at(30));
    await store().webhooks.enqueue([delivery]);
    const [claimed] = (await claim(store(), tenant, at(30))).filter((d) => d.id === delivery.id);
    await store().webhooks.recordAttempt(delivery.id, claimed!.claimToken, attempt(1, at(31), 500, "HTTP 500"), { status: "failed" });

    expect(await store().webhooks.requeueDelivery(tenant.workspace.id, sibling.id, delivery.id, at(40))).toBe(false);
    expect(await store().webhooks.requeueDelivery(newId("ws"), endpoint.id, delivery.id, at(40))).toBe(false);
    expect(await store().webhooks.requeueDelivery(tenant.workspace.id, endpoint.id, delivery.id, at(40))).toBe(true);
    // Pending now: not failed, so not requeued again.
    expect(await store().webhooks.requeueDelivery(tenant.workspace.id, endpoint.id, delivery.id, at(41))).toBe(false);
    expect(await store().webhooks.getDelivery(tenant.workspace.id, delivery.id)).toMatchObject({ status: "pending", attempts: 1, nextAttemptAt: at(40) });
    const again = (await claim(store(), tenant, at(40))).find((d) => d.id === delivery.id);
    expect(again).toMatchObject({ attempts: 1, status: "pending" });
  });

  it("rewrites stored secrets through a transform, current and previous, and only rows that change", async () => {
    const tenant = await seedTenant(store());
    const other = await seedTenant(store(), "other");
    const rotated = await store().webhooks.create(newEndpoint(tenant, { secret: "whsec_a1" }));
    await store().webhooks.rotateSecret(tenant.workspace.id, rotated.id, { secret: "whsec_a2", previousExpiresAt: at(60_000) }, at(10));
    const plain = await store().webhooks.create(newEndpoint(other, { secret: "whsec_b1" }));
    const done = await store().webhooks.create(newEndpoint(tenant, { secret: "sealed:whsec_c1" }));
    // The store is shared with other tests: this transform touches only this test's endpoints.
    const ours = new Set([rotated.id, plain.id, done.id]);
    const seal = (stored: string, endpointId: string) => (!ours.has(endpointId) || stored.startsWith("sealed:") ? stored : `sealed:${endpointId}:${stored}`);

    expect(await store().webhooks.resealSecrets(seal)).toBe(2);
    expect(await store().webhooks.resealSecrets(seal)).toBe(0);

    const secretsOf = async (tenantOf: Tenant, endpointId: string) => {
      await store().webhooks.enqueue([newDelivery(tenantOf, endpointId, at(20))]);
      const claimed = await claim(store(), tenantOf, at(20));
      return claimed.find((delivery) => delivery.endpointId === endpointId)!.secrets;
    };
    expect(await secretsOf(tenant, rotated.id)).toMatchObject({ current: `sealed:${rotated.id}:whsec_a2`, previous: `sealed:${rotated.id}:whsec_a1` });
    expect(await secretsOf(other, plain.id)).toMatchObject({ current: `sealed:${plain.id}:whsec_b1`, previous: null });
    expect(await secretsOf(tenant, done.id)).toMatchObject({ current: "sealed:whsec_c1", previous: null });
  });

  it("hands claimed deliveries over with the endpoint's URL and secrets, rotated ones included", async () => {
    const tenant = await seedTenant(store());
    const endpoint = await store().webhooks.create(newEndpoint(tenant, { secret: "whsec_first" }));
    const rotated = await store().webhooks.rotateSecret(tenant.workspace.id, endpoint.id, { secret: "whsec_second", previousExpiresAt: at(60_000) }, at(10));
    expect(rotated).toMatchObject({ previousSecretExpiresAt: at(60_000), updatedAt: at(10) });
    expect(JSON.stringify(rotated)).not.toContain("whsec_");
    expect(await store().webhooks.rotateSecret(newId("ws"), endpoint.id, { secret: "x", previousExpiresAt: at(1) }, at(10))).toBeNull();

    const delivery = newDelivery(tenant, endpoint.id, at(20));
    await store().webhooks.enqueue([delivery]);
    const [claimed, ...rest] = await claim(store(), tenant, at(20));
    expect(rest).toEqual([]);
    expect(claimed).toMatchObject({
      id: delivery.id,
      endpointId: endpoint.id,
      eventType: "key.created",
      payload: delivery.payload,
      status: "pending",
      attempts: 0,
      url: endpoint.url,
      secrets: { current: "whsec_second", previous: "whsec_first", previousExpiresAt: at(60_000) },
    });
    await store().webhooks.recordAttempt(delivery.id, claimed!.claimToken, attempt(1, at(21), 200), { status: "delivered" });
  });

  it("never leases a delivery to two claimers at once, and frees it when the lease ends", async () => {
    const tenant = await seedTenant(store());
    const endpoint = await store().webhooks.create(newEndpoint(tenant));
    const base = at(3_600_000);
    const deliveries = Array.from({ length: 12 }, () => newDelivery(tenant, endpoint.id, base));
    await store().webhooks.enqueue(deliveries);
    // Not due before their time.
    expect(await claim(store(), tenant, at(3_599_999))).toEqual([]);

    const cluster = await openNodes(context, 3);
    try {
      const results = await Promise.all(cluster.nodes.flatMap((node) => [claim(node, tenant, base), claim(node, tenant, base)]));
      const ids = results.flat().map((delivery) => delivery.id);
      expect(ids.sort()).toEqual(deliveries.map((d) => d.id).sort());
      // Leased: nobody else gets them until the lease (30 s) ends.
      expect(await claim(store(), tenant, new Date(base.getTime() + 29_999))).toEqual([]);
      const again = await claim(store(), tenant, new Date(base.getTime() + 30_000));
      expect(again.map((d) => d.id).sort()).toEqual(ids.sort());
      for (const delivery of again) await store().webhooks.recordAttempt(delivery.id, delivery.claimToken, attempt(1, base, 204), { status: "delivered" });
    } finally {
      await cluster.close();
    }
  });

  it("records attempts, reschedules, delivers, and ignores a holder whose lease was taken over", async () => {
    const tenant = await seedTenant(store());
    const endpoint = await store().webhooks.create(newEndpoint(tenant));
    const base = at(7_200_000);
    const delivery = newDelivery(tenant, endpoint.id, base);
    await store().webhooks.enqueue([delivery]);

    const [first] = await claim(store(), tenant, base);
    const retryAt = new Date(base.getTime() + 5_000);
    expect(await store().webhooks.recordAttempt(delivery.id, first!.claimToken, attempt(1, base, 500, "HTTP 500"), { status: "pending", at: retryAt })).toBe(true);
    expect(await claim(store(), tenant, new Date(retryAt.getTime() - 1))).toEqual([]);

    const [second] = await claim(store(), tenant, retryAt);
    expect(second).toMatchObject({ attempts: 1, lastStatusCode: 500, lastError: "HTTP 500" });
    // A stale holder (the first token) can no longer move the delivery.
    expect(await store().webhooks.recordAttempt(delivery.id, first!.claimToken, attempt(2, retryAt, 200), { status: "delivered" })).toBe(false);
    expect(await store().webhooks.recordAttempt(delivery.id, second!.claimToken, attempt(3, retryAt, null, "timeout"), { status: "pending", at: retryAt })).toBe(true);
    const [third] = await claim(store(), tenant, retryAt);
    expect(await store().webhooks.recordAttempt(delivery.id, third!.claimToken, attempt(4, at(7_300_000), 204), { status: "delivered" })).toBe(true);

    const stored = await store().webhooks.getDelivery(tenant.workspace.id, delivery.id);
    expect(stored).toMatchObject({ status: "delivered", attempts: 4, nextAttemptAt: null, lastStatusCode: 204, lastError: null, deliveredAt: at(7_300_000) });
    expect(stored!.attemptLog).toEqual([
      attempt(1, base, 500, "HTTP 500"),
      attempt(2, retryAt, 200),
      attempt(3, retryAt, null, "timeout"),
      attempt(4, at(7_300_000), 204),
    ]);
    expect(await store().webhooks.getDelivery(newId("ws"), delivery.id)).toBeNull();
    expect(await claim(store(), tenant, at(9_999_999))).toEqual([]);
  });

  it("gives a released lease back at once, and stops sending when failed", async () => {
    const tenant = await seedTenant(store());
    const endpoint = await store().webhooks.create(newEndpoint(tenant));
    const base = at(10_800_000);
    const delivery = newDelivery(tenant, endpoint.id, base);
    await store().webhooks.enqueue([delivery]);
    const [held] = await claim(store(), tenant, base);
    await store().webhooks.release(delivery.id, held!.claimToken);
    const [again] = await claim(store(), tenant, base);
    expect(again?.attempts).toBe(0);
    await store().webhooks.recordAttempt(delivery.id, again!.claimToken, attempt(1, base, 500), { status: "failed" });
    expect(await claim(store(), tenant, at(99_999_999))).toEqual([]);
    expect(await store().webhooks.getDelivery(tenant.workspace.id, delivery.id)).toMatchObject({ status: "failed", nextAttemptAt: null });
  });

  it("fails pending deliveries of a disabled endpoint and removes those of a deleted one", async () => {
    const tenant = await seedTenant(store());
    const disabled = await store().webhooks.create(newEndpoint(tenant));
    const deleted = await store().webhooks.create(newEndpoint(tenant));
    const base = at(14_400_000);
    const first = newDelivery(tenant, disabled.id, base);
    const second = newDelivery(tenant, deleted.id, base);
    await store().webhooks.enqueue([first, second]);
    await store().webhooks.update(tenant.workspace.id, disabled.id, { enabled: false, disabledReason: "gone" }, base);
    await store().webhooks.delete(tenant.workspace.id, deleted.id);
    expect(await claim(store(), tenant, base)).toEqual([]);
    expect(await store().webhooks.getDelivery(tenant.workspace.id, first.id)).toMatchObject({ status: "failed", lastError: "endpoint disabled" });
    expect(await store().webhooks.getDelivery(tenant.workspace.id, second.id)).toBeNull();
    // Enabling again does not resend the backlog.
    await store().webhooks.update(tenant.workspace.id, disabled.id, { enabled: true }, base);
    expect(await claim(store(), tenant, base)).toEqual([]);
  });

  it("writes outbox rows with the transaction they belong to", async () => {
    const tenant = await seedTenant(store());
    const endpoint = await store().webhooks.create(newEndpoint(tenant));
    const base = at(18_000_000);
    const doomed = newDelivery(tenant, endpoint.id, base);
    await expect(
      store().transaction(async (tx) => {
        await tx.webhooks.enqueue([doomed]);
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    expect(await store().webhooks.getDelivery(tenant.workspace.id, doomed.id)).toBeNull();
    const kept = newDelivery(tenant, endpoint.id, base);
    await store().transaction((tx) => tx.webhooks.enqueue([kept]));
    const [claimed] = await claim(store(), tenant, base);
    expect(claimed?.id).toBe(kept.id);
    await store().webhooks.recordAttempt(kept.id, claimed!.claimToken, attempt(1, base, 200), { status: "delivered" });
  });

  it("lists an endpoint's deliveries in pages, each with its attempts", async () => {
    const tenant = await seedTenant(store());
    const endpoint = await store().webhooks.create(newEndpoint(tenant));
    const otherEndpoint = await store().webhooks.create(newEndpoint(tenant));
    const base = at(21_600_000);
    const deliveries = Array.from({ length: 5 }, (_, i) => newDelivery(tenant, endpoint.id, new Date(base.getTime() + i)));
    await store().webhooks.enqueue([...deliveries, newDelivery(tenant, otherEndpoint.id, base)]);
    const claimed = await claim(store(), tenant, new Date(base.getTime() + 10));
    for (const delivery of claimed) await store().webhooks.recordAttempt(delivery.id, delivery.claimToken, attempt(1, base, 201), { status: "delivered" });
    const { ids, pages } = await collectPages((after) => store().webhooks.listDeliveries(tenant.workspace.id, endpoint.id, { limit: 2, after }), 2);
    expect(ids).toEqual(deliveries.map((d) => d.id).sort());
    expect(pages).toBe(3);
    const page = await store().webhooks.listDeliveries(tenant.workspace.id, endpoint.id, { limit: 100 });
    for (const item of page.items) expect(item.attemptLog).toEqual([attempt(1, base, 201)]);
    expect((await store().webhooks.listDeliveries(newId("ws"), endpoint.id, { limit: 100 })).items).toEqual([]);
  });
}
