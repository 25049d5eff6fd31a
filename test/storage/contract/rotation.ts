// Contract: rotation — a new hash for the same record; retired hashes found with their grace end.
import { randomBytes } from "node:crypto";
import { expect, it } from "vitest";
import { generateKey } from "../../../src/core/index.js";
import { at, newKey, seedTenant, type ContractContext } from "../fixtures.js";

export function rotationContract({ store }: ContractContext): void {
  const secret = () => generateKey("rot", "live", randomBytes);

  it("moves the key to the new hash and keeps the old one findable until its grace end", async () => {
    const tenant = await seedTenant(store());
    const input = newKey(tenant, { permissions: ["docs:read"], ratelimits: [{ name: "b", limit: 1, durationMs: 1000, autoApply: true }] });
    await store().keys.create(input);
    const next = secret();
    const rotated = await store().keys.rotate(tenant.workspace.id, input.id, { hash: next.hash, start: next.start }, at(60_000), at(1_000));
    expect(rotated).toMatchObject({ id: input.id, hash: next.hash, start: next.start, permissions: ["docs:read"], updatedAt: at(1_000) });
    expect((await store().keys.findForVerification(next.hash))?.key.id).toBe(input.id);
    expect((await store().keys.findForVerification(next.hash))?.graceEndsAt).toBeUndefined();
    const old = await store().keys.findForVerification(input.hash);
    expect(old?.key.id).toBe(input.id);
    expect(old?.key.hash).toBe(next.hash);
    expect(old?.graceEndsAt).toEqual(at(60_000));
  });

  it("keeps each retired hash's own grace end over several rotations, and drops ended ones", async () => {
    const tenant = await seedTenant(store());
    const input = newKey(tenant);
    await store().keys.create(input);
    const second = secret();
    const third = secret();
    const fourth = secret();
    await store().keys.rotate(tenant.workspace.id, input.id, second, at(10_000), at(0));
    await store().keys.rotate(tenant.workspace.id, input.id, third, at(5_000), at(1_000));
    expect((await store().keys.findForVerification(input.hash))?.graceEndsAt).toEqual(at(10_000));
    expect((await store().keys.findForVerification(second.hash))?.graceEndsAt).toEqual(at(5_000));
    await store().keys.rotate(tenant.workspace.id, input.id, fourth, at(20_000), at(11_000));
    expect(await store().keys.findForVerification(input.hash)).toBeNull();
    expect(await store().keys.findForVerification(second.hash)).toBeNull();
    expect((await store().keys.findForVerification(third.hash))?.graceEndsAt).toEqual(at(20_000));
  });

  it("does not rotate a revoked key, nor one of another workspace", async () => {
    const tenant = await seedTenant(store());
    const other = await seedTenant(store(), "other");
    const input = newKey(tenant);
    await store().keys.create(input);
    expect(await store().keys.rotate(other.workspace.id, input.id, secret(), at(1), at(0))).toBeNull();
    await store().keys.revoke(tenant.workspace.id, input.id, "gone", at(0));
    expect(await store().keys.rotate(tenant.workspace.id, input.id, secret(), at(1), at(0))).toBeNull();
    expect((await store().keys.findForVerification(input.hash))?.key.id).toBe(input.id);
  });
}
