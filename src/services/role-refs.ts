// Roles are named in requests by id (`role_…`) or by name; responses show both.
import { isId, type RoleRecord } from "../core/index.js";
import { KeywardError } from "../errors/index.js";
import type { Store } from "../storage/port.js";

export async function resolveRoles(store: Store, workspaceId: string, refs: readonly string[], pointer: string): Promise<RoleRecord[]> {
  if (refs.length === 0) return [];
  const byId = await store.roles.getMany(workspaceId, refs.filter((ref) => isId("role", ref)));
  const found = new Map<string, RoleRecord>();
  for (const role of byId) found.set(role.id, role);
  const names = refs.filter((ref) => !found.has(ref));
  if (names.length > 0) {
    for (const role of await allRoles(store, workspaceId)) if (names.includes(role.name)) found.set(role.name, role);
  }
  const missing = refs.findIndex((ref) => !found.has(ref));
  if (missing >= 0) {
    throw new KeywardError("UNKNOWN_ROLE", `No role '${refs[missing]}' in this workspace.`, [
      { pointer: `${pointer}/${missing}`, message: "no such role id or name" },
    ]);
  }
  const unique = new Map(refs.map((ref) => [found.get(ref)!.id, found.get(ref)!]));
  return [...unique.values()];
}

export async function rolesById(store: Store, workspaceId: string, ids: readonly string[]): Promise<Map<string, RoleRecord>> {
  const roles = ids.length ? await store.roles.getMany(workspaceId, [...new Set(ids)]) : [];
  return new Map(roles.map((role) => [role.id, role]));
}

async function allRoles(store: Store, workspaceId: string): Promise<RoleRecord[]> {
  const roles: RoleRecord[] = [];
  let after: string | undefined;
  do {
    const page = await store.roles.list(workspaceId, { limit: 100, ...(after ? { after } : {}) });
    roles.push(...page.items);
    after = page.nextCursor ?? undefined;
  } while (after);
  return roles;
}
