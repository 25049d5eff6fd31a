// Contract: lifecycle due dates and marks — rotation time and rotationDueAt on records, the listing's
// dueBy filter, the sweeper's bounded reads, and marks that only one caller can set.
import { randomBytes } from "node:crypto";
import { expect, it } from "vitest";
import { generateKey } from "../../../src/core/index.js";
import type { Store } from "../../../src/storage/index.js";
import { at, newId, newKey, seedTenant, T0, type ContractContext, type Tenant } from "../fixtures.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A tenant whose API has the given policy. */
async function tenantWithPolicy(store: Store, policy: object): Promise<Tenant> {
  const tenant = await seedTenant(store);
  const api = await store.apis.update(tenant.workspace.id, tenant.api.id, { policy }, T0);
  return { ...tenant, api: api! };
}

export function lifecycleMarksContract({ store }: ContractContext): void {
  const secret = () => generateKey("acme", "live", randomBytes);

  it("records when a key was rotated, and derives rotationDueAt from the API's current rotation period", async () => {
    const tenant = await tenantWithPolicy(store(), { rotationPeriodSeconds: 10 * 86_400 });
    const created = await store().keys.create(newKey(tenant));
    expect(created.rotatedAt).toBeUndefined();
    expect(created.rotationDueAt).toEqual(at(10 * DAY));
    const rotated = await store().keys.rotate(tenant.workspace.id, created.id, secret(), at(HOUR), at(DAY));
    expect(rotated).toMatchObject({ rotatedAt: at(DAY), rotationDueAt: at(11 * DAY) });
    await store().apis.update(tenant.workspace.id, tenant.api.id, { policy: { rotationPeriodSeconds: 86_400 } }, T0);
    expect((await store().keys.get(tenant.workspace.id, created.id))?.rotationDueAt).toEqual(at(2 * DAY));
    await store().apis.update(tenant.workspace.id, tenant.api.id, { policy: {} }, T0);
    expect((await store().keys.get(tenant.workspace.id, created.id))?.rotationDueAt).toBeUndefined();
  });

  it("lists keys due by a time: expiring in (now, until] or due for rotation, never revoked or expired ones", async () => {
    const tenant = await tenantWithPolicy(store(), { rotationPeriodSeconds: 30 * 86_400 });
    const plain = await seedTenant(store());
    const ws = tenant.workspace.id;
    const now = at(20 * DAY);
    const make = (overrides: object, into: Tenant = tenant) => store().keys.create(newKey(into, overrides));
    const soon = await make({ expiresAt: at(21 * DAY), now: at(19 * DAY) });
    const later = await make({ expiresAt: at(40 * DAY), now: at(19 * DAY) });
    const expired = await make({ expiresAt: at(19 * DAY), now: at(18 * DAY) });
    const rotationDue = await make({});
    const overdue = await make({ now: at(-30 * DAY) });
    const overdueButExpired = await make({ now: at(-30 * DAY), expiresAt: at(DAY) });
    const revoked = await make({ expiresAt: at(21 * DAY), now: at(19 * DAY) });
    await store().keys.revoke(ws, revoked.id, null, at(19 * DAY));
    const rotatedRecently = await make({});
    await store().keys.rotate(ws, rotatedRecently.id, secret(), at(19 * DAY), at(19 * DAY));

    const due = await store().keys.list(ws, { dueBy: { now, until: at(31 * DAY) } }, { limit: 100 });
    expect(due.items.map((key) => key.id).sort()).toEqual([soon.id, rotationDue.id, overdue.id].sort());
    expect(due.items.map((key) => key.id)).not.toContain(later.id);
    expect(due.items.map((key) => key.id)).not.toContain(expired.id);
    expect(due.items.map((key) => key.id)).not.toContain(overdueButExpired.id);

    const narrow = await store().keys.list(ws, { dueBy: { now, until: at(22 * DAY) } }, { limit: 100 });
    expect(narrow.items.map((key) => key.id).sort()).toEqual([soon.id, overdue.id].sort());
    // A workspace without a rotation period only lists by expiry.
    const other = await make({ expiresAt: at(21 * DAY) }, plain);
    await make({ now: at(-300 * DAY) }, plain);
    expect((await store().keys.list(plain.workspace.id, { dueBy: { now, until: at(27 * DAY) } }, { limit: 100 })).items.map((key) => key.id)).toEqual([other.id]);
  });

  it("finds keys expiring within a window once, and only one caller marks each", async () => {
    const tenant = await seedTenant(store());
    const key = await store().keys.create(newKey(tenant, { expiresAt: at(2 * DAY) }));
    const far = await store().keys.create(newKey(tenant, { expiresAt: at(9 * DAY) }));
    const found = await store().lifecycle.expiringKeys(tenant.api.id, T0, at(3 * DAY), 10);
    expect(found).toEqual([{ keyId: key.id, workspaceId: tenant.workspace.id, dueAt: at(2 * DAY) }]);
    expect(found.map((due) => due.keyId)).not.toContain(far.id);

    const marks = await Promise.all([store().lifecycle.markExpiring(key.id, at(2 * DAY)), store().lifecycle.markExpiring(key.id, at(2 * DAY))]);
    expect(marks.filter(Boolean)).toHaveLength(1);
    expect(await store().lifecycle.expiringKeys(tenant.api.id, T0, at(3 * DAY), 10)).toEqual([]);

    // A new expiry is a new due date: found (and markable) again; a stale one is not markable.
    await store().keys.update(tenant.workspace.id, key.id, { expiresAt: at(DAY) }, T0);
    expect(await store().lifecycle.markExpiring(key.id, at(2 * DAY))).toBe(false);
    expect((await store().lifecycle.expiringKeys(tenant.api.id, T0, at(3 * DAY), 10)).map((due) => due.dueAt)).toEqual([at(DAY)]);
    // The same expiry written again is no change.
    await store().lifecycle.markExpiring(key.id, at(DAY));
    await store().keys.update(tenant.workspace.id, key.id, { expiresAt: at(DAY), name: "renamed" }, T0);
    expect(await store().lifecycle.expiringKeys(tenant.api.id, T0, at(3 * DAY), 10)).toEqual([]);
  });

  it("finds keys due for rotation by a time, once per secret", async () => {
    const tenant = await tenantWithPolicy(store(), { rotationPeriodSeconds: 10 * 86_400 });
    const key = await store().keys.create(newKey(tenant));
    await store().keys.create(newKey(tenant, { now: at(5 * DAY) }));
    const found = await store().lifecycle.rotationDueKeys(tenant.api.id, 10 * 86_400, at(8 * DAY), at(11 * DAY), 10);
    expect(found).toEqual([{ keyId: key.id, workspaceId: tenant.workspace.id, rotatedAt: null, dueAt: at(10 * DAY) }]);
    expect(await store().lifecycle.markRotationDue(key.id, null, at(10 * DAY))).toBe(true);
    expect(await store().lifecycle.markRotationDue(key.id, null, at(10 * DAY))).toBe(false);
    expect(await store().lifecycle.rotationDueKeys(tenant.api.id, 10 * 86_400, at(8 * DAY), at(11 * DAY), 10)).toEqual([]);

    await store().keys.rotate(tenant.workspace.id, key.id, secret(), at(9 * DAY), at(9 * DAY));
    // The notice for the previous secret cannot be marked on the new one.
    expect(await store().lifecycle.markRotationDue(key.id, null, at(10 * DAY))).toBe(false);
    const again = await store().lifecycle.rotationDueKeys(tenant.api.id, 10 * 86_400, at(17 * DAY), at(20 * DAY), 10);
    expect(again.find((due) => due.keyId === key.id)).toEqual({ keyId: key.id, workspaceId: tenant.workspace.id, rotatedAt: at(9 * DAY), dueAt: at(19 * DAY) });
    expect(await store().lifecycle.markRotationDue(key.id, at(9 * DAY), at(19 * DAY))).toBe(true);
  });

  it("finds expired keys and ended graces of every workspace in bounded batches, marked once", async () => {
    const tenant = await seedTenant(store());
    const keys = [];
    for (let index = 0; index < 3; index++) keys.push(await store().keys.create(newKey(tenant, { expiresAt: at(index * HOUR + 1) })));
    const horizon = at(10 * HOUR);
    const mine = async () => (await store().lifecycle.expiredKeys(horizon, 1000)).filter((due) => due.workspaceId === tenant.workspace.id);
    expect((await mine()).map((due) => due.keyId)).toEqual(keys.map((key) => key.id));
    expect(await store().lifecycle.expiredKeys(horizon, 2)).toHaveLength(2);
    expect(await store().lifecycle.markExpired(keys[0]!.id, at(1))).toBe(true);
    expect(await store().lifecycle.markExpired(keys[0]!.id, at(1))).toBe(false);
    expect((await mine()).map((due) => due.keyId)).toEqual([keys[1]!.id, keys[2]!.id]);
    // Moved to the future again, the key can expire (and be announced) once more.
    await store().keys.update(tenant.workspace.id, keys[0]!.id, { expiresAt: at(5 * HOUR) }, T0);
    expect((await mine()).map((due) => due.keyId)).toContain(keys[0]!.id);

    const rotating = await store().keys.create(newKey(tenant));
    await store().keys.rotate(tenant.workspace.id, rotating.id, secret(), at(HOUR), T0);
    const graces = async (now: Date) => (await store().lifecycle.endedGraces(now, 1000)).filter((grace) => grace.workspaceId === tenant.workspace.id);
    expect(await graces(at(HOUR - 1))).toEqual([]);
    expect(await graces(at(HOUR))).toEqual([{ keyId: rotating.id, workspaceId: tenant.workspace.id, graceEndsAt: at(HOUR) }]);
    expect(await store().lifecycle.endedGraces(at(HOUR), 10, newId("key"))).toEqual([]);
    const marks = await Promise.all([1, 2].map(() => store().lifecycle.markGraceEnded(rotating.id, at(HOUR), at(HOUR))));
    expect(marks.filter(Boolean)).toHaveLength(1);
    expect(await graces(at(2 * HOUR))).toEqual([]);
    // The retired secret is still answered (EXPIRED by its grace end), not forgotten.
    expect((await store().keys.findForVerification(rotating.hash))?.graceEndsAt).toEqual(at(HOUR));
  });

  it("pages through live customer APIs that have a policy", async () => {
    const tenant = await tenantWithPolicy(store(), { expiringSoonSeconds: 3600 });
    const deleted = await tenantWithPolicy(store(), { expiringSoonSeconds: 3600 });
    await store().apis.delete(deleted.workspace.id, deleted.api.id, T0);
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10_000; page++) {
      const apis = await store().lifecycle.apisWithPolicy(after, 50);
      seen.push(...apis.map((api) => api.id));
      if (apis.length < 50) break;
      after = apis[apis.length - 1]!.id;
    }
    expect(seen).toContain(tenant.api.id);
    expect(seen).not.toContain(deleted.api.id);
    expect(new Set(seen).size).toBe(seen.length);
  });
}
