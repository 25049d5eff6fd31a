import { describe, expect, it } from "vitest";
import type { VerifiableKey } from "../core/index.js";
import { RecordCompactor } from "./record-compaction.js";

const at = new Date(Date.UTC(2025, 0, 1));
function found(keyId: string, overrides: Partial<VerifiableKey["key"]> = {}): VerifiableKey {
  const workspaceId = ["ws", "0352fF3I2LNnqajph34GtU"].join("_");
  return {
    key: {
      id: keyId,
      workspaceId,
      apiId: "api_1",
      hash: `hash-of-${keyId}`,
      start: "acme_live_abcd",
      environment: "live",
      name: null,
      identityId: null,
      permissions: [],
      roleIds: [],
      enabled: true,
      expiresAt: null,
      restrictions: {},
      meta: {},
      createdAt: at,
      updatedAt: at,
      lastUsedAt: null,
      verificationCount: 0,
      revokedAt: null,
      revokedReason: null,
      ratelimits: [],
      credits: null,
      ...overrides,
    },
    api: { id: "api_1", workspaceId, kind: "customer", name: "acme", prefix: "acme", defaults: {}, policy: {}, createdAt: at, updatedAt: at },
    identity: null,
    roles: [],
  };
}

describe("RecordCompactor", () => {
  it("changes no value: the compacted records equal the originals", () => {
    const compactor = new RecordCompactor();
    for (const original of [found("key_a"), found("key_b", { permissions: ["docs:read"], meta: { plan: "pro" }, restrictions: { ipAllowlist: ["10.0.0.0/8"] } })]) {
      const copy = structuredClone(original);
      expect(compactor.compact(original, `hash-of-${original.key.id}`)).toEqual(copy);
    }
  });

  it("shares one API record between keys while the record is unchanged, and a new one after a change", () => {
    const compactor = new RecordCompactor();
    const a = compactor.compact(found("key_a"), "hash-of-key_a");
    const b = compactor.compact(found("key_b"), "hash-of-key_b");
    expect(b.api).toBe(a.api);
    const renamed = found("key_c");
    renamed.api = { ...renamed.api, name: "renamed", updatedAt: new Date(at.getTime() + 1) };
    const c = compactor.compact(renamed, "hash-of-key_c");
    expect(c.api).not.toBe(a.api);
    expect(c.api.name).toBe("renamed");
  });

  it("shares empty lists and objects frozen, so a stray mutation fails instead of reaching other keys", () => {
    const compactor = new RecordCompactor();
    const a = compactor.compact(found("key_a"), "hash-of-key_a");
    const b = compactor.compact(found("key_b"), "hash-of-key_b");
    expect(b.key.meta).toBe(a.key.meta);
    expect(b.key.roleIds).toBe(a.key.roleIds);
    expect(() => (a.key.meta as Record<string, unknown>).x = 1).toThrow(TypeError);
    expect(() => a.key.permissions.push("x")).toThrow(TypeError);
  });
});
