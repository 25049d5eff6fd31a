// Contract: per-identifier overrides of the standalone limiter — upsert, paging by identifier, scoping.
import { expect, it } from "vitest";
import type { RateLimitOverride } from "../../../src/storage/index.js";
import { at, seedTenant, T0, type ContractContext } from "../fixtures.js";

export function rateLimitOverrideContract({ store }: ContractContext): void {
  const put = (workspaceId: string, namespace: string, identifier: string, limit = 10, durationMs = 1_000, now = T0) =>
    store().rateLimitOverrides.put({ workspaceId, namespace, identifier, limit, durationMs, now });

  it("puts and gets an override; a second put replaces the limit and keeps createdAt", async () => {
    const { workspace } = await seedTenant(store());
    const created = await put(workspace.id, "email", "user@example.com", 5, 30 * 86_400_000);
    const expected: RateLimitOverride = {
      workspaceId: workspace.id,
      namespace: "email",
      identifier: "user@example.com",
      limit: 5,
      durationMs: 30 * 86_400_000,
      createdAt: T0,
      updatedAt: T0,
    };
    expect(created).toEqual(expected);
    expect(await store().rateLimitOverrides.get(workspace.id, "email", "user@example.com")).toEqual(expected);

    const replaced = await put(workspace.id, "email", "user@example.com", 3_000_000_000, 60_000, at(10));
    expect(replaced).toEqual({ ...expected, limit: 3_000_000_000, durationMs: 60_000, updatedAt: at(10) });
    expect(await store().rateLimitOverrides.get(workspace.id, "email", "user@example.com")).toEqual(replaced);
    expect(await store().rateLimitOverrides.get(workspace.id, "email", "USER@example.com")).toBeNull();
    expect(await store().rateLimitOverrides.get(workspace.id, "sms", "user@example.com")).toBeNull();
  });

  it("lists one namespace by identifier, bytewise, across pages", async () => {
    const { workspace } = await seedTenant(store());
    // Mixed case and punctuation: a linguistic collation would order these differently from `>`.
    const identifiers = ["b", "B", "a", "A", "_x", "10", "9", "a-b", "ab", "é"];
    for (const identifier of identifiers) await put(workspace.id, "ns", identifier);
    await put(workspace.id, "other", "0");

    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page = await store().rateLimitOverrides.list(workspace.id, "ns", { limit: 3, after });
      pages += 1;
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((item) => item.identifier));
      if (page.nextCursor !== null) expect(page.nextCursor).toBe(page.items[page.items.length - 1]?.identifier);
      after = page.nextCursor ?? undefined;
    } while (after !== undefined && pages < 20);
    expect(seen).toEqual([...identifiers].sort());
    expect(pages).toBe(4);
    const exact = await store().rateLimitOverrides.list(workspace.id, "other", { limit: 1 });
    expect(exact.items.map((item) => item.identifier)).toEqual(["0"]);
    expect(exact.nextCursor).toBeNull();
  });

  it("deletes an override once", async () => {
    const { workspace } = await seedTenant(store());
    await put(workspace.id, "ns", "gone");
    expect(await store().rateLimitOverrides.delete(workspace.id, "ns", "gone")).toBe(true);
    expect(await store().rateLimitOverrides.get(workspace.id, "ns", "gone")).toBeNull();
    expect(await store().rateLimitOverrides.delete(workspace.id, "ns", "gone")).toBe(false);
  });

  it("scopes overrides to their workspace", async () => {
    const mine = await seedTenant(store());
    const theirs = await seedTenant(store());
    const own = await put(mine.workspace.id, "ns", "shared-id", 10);
    const foreign = await put(theirs.workspace.id, "ns", "shared-id", 99);
    expect(foreign.limit).toBe(99);
    expect(await store().rateLimitOverrides.get(mine.workspace.id, "ns", "shared-id")).toEqual(own);
    await put(theirs.workspace.id, "ns", "theirs-only");
    expect(await store().rateLimitOverrides.get(mine.workspace.id, "ns", "theirs-only")).toBeNull();
    const listed = await store().rateLimitOverrides.list(mine.workspace.id, "ns", { limit: 100 });
    expect(listed.items).toEqual([own]);
    expect(await store().rateLimitOverrides.delete(mine.workspace.id, "ns", "theirs-only")).toBe(false);
    expect(await store().rateLimitOverrides.delete(theirs.workspace.id, "ns", "shared-id")).toBe(true);
    expect(await store().rateLimitOverrides.get(mine.workspace.id, "ns", "shared-id")).toEqual(own);
  });
}
