// Builders for the storage contract: fresh workspaces per test, so tests share one database without seeing each other.
import { randomBytes } from "node:crypto";
import { createId, generateKey, type ApiRecord, type IdType, type Workspace } from "../../src/core/index.js";
import type { CreditsConfig, NewIdentity, NewKey, NewRole, Store } from "../../src/storage/index.js";
import type { StoreAdapter, TestDatabase } from "./adapters.js";

/** A fixed instant with a non-zero millisecond part, to catch any loss of precision. */
export const T0 = new Date(Date.UTC(2025, 0, 2, 3, 4, 5, 678));

export function at(offsetMs: number): Date {
  return new Date(T0.getTime() + offsetMs);
}

export function newId(type: IdType, now: Date = T0): string {
  return createId(type, now, randomBytes);
}

export interface Tenant {
  workspace: Workspace;
  api: ApiRecord;
}

/** A workspace with one customer API. */
export async function seedTenant(store: Store, name = "tenant"): Promise<Tenant> {
  const workspace = await store.workspaces.create({ id: newId("ws"), name, now: T0 });
  const api = await store.apis.create({
    id: newId("api"),
    workspaceId: workspace.id,
    kind: "customer",
    name: `${name} api`,
    prefix: "acme",
    defaults: { environment: "live", expiresInSeconds: 3600 },
    now: T0,
  });
  return { workspace, api };
}

export function newKey(tenant: Tenant, overrides: Partial<NewKey> = {}): NewKey {
  const generated = generateKey(tenant.api.prefix, "live", randomBytes);
  return {
    id: newId("key"),
    workspaceId: tenant.workspace.id,
    apiId: tenant.api.id,
    hash: generated.hash,
    start: generated.start,
    environment: "live",
    name: "a key",
    identityId: null,
    permissions: [],
    roleIds: [],
    enabled: true,
    expiresAt: null,
    restrictions: {},
    meta: {},
    now: T0,
    ...overrides,
  };
}

export function newIdentity(tenant: Tenant, overrides: Partial<NewIdentity> = {}): NewIdentity {
  return { id: newId("id"), workspaceId: tenant.workspace.id, externalId: `user-${newId("req")}`, meta: {}, now: T0, ...overrides };
}

export function newRole(tenant: Tenant, overrides: Partial<NewRole> = {}): NewRole {
  return {
    id: newId("role"),
    workspaceId: tenant.workspace.id,
    name: `role-${newId("req")}`,
    description: null,
    permissions: [],
    now: T0,
    ...overrides,
  };
}

/** Credits for a key or identity of the tenant: 100 left, no refill, no threshold, set at T0. */
export function newCredits(tenant: Tenant, ownerId: string, overrides: Partial<CreditsConfig> = {}): CreditsConfig {
  return { workspaceId: tenant.workspace.id, ownerId, remaining: 100, refill: null, lowThreshold: null, now: T0, ...overrides };
}

/**
 * Stores standing in for the nodes of a cluster: the run's store plus stores of their own on the same
 * database where the adapter is shared across processes, else the run's store alone.
 */
export async function openNodes(context: ContractContext, count: number): Promise<{ nodes: Store[]; close(): Promise<void> }> {
  const extra: Store[] = [];
  if (context.adapter.capabilities.sharedAcrossProcesses) {
    for (let i = 1; i < count; i += 1) extra.push(await context.database().open());
  }
  async function close(): Promise<void> {
    await Promise.all(extra.map((store) => store.close()));
  }
  return { nodes: [context.store(), ...extra], close };
}

/** Walks every page of a listing, checking each page respects the limit. */
export async function collectPages<T extends { id: string }>(
  fetch: (after: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>,
  limit: number,
): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let after: string | undefined;
  let pages = 0;
  for (;;) {
    const page = await fetch(after);
    pages += 1;
    if (page.items.length > limit) throw new Error(`page of ${page.items.length} items exceeds limit ${limit}`);
    ids.push(...page.items.map((item) => item.id));
    if (page.nextCursor === null) return { ids, pages };
    if (page.nextCursor !== page.items[page.items.length - 1]?.id) throw new Error("nextCursor is not the last item's id");
    if (pages > 1000) throw new Error("pagination does not end");
    after = page.nextCursor;
  }
}

/** What each contract section gets: the run's shared store, its database, and the adapter under test. */
export interface ContractContext {
  store(): Store;
  database(): TestDatabase;
  adapter: StoreAdapter;
}
