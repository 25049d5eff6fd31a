// Roles: named permission bundles, unique per workspace by name; attached to keys through key_roles.
import { StoreConflictError, type RoleStore } from "../port.js";
import type { StoreContext } from "./context.js";
import { atomic, rethrowConflict, touched } from "./context.js";
import { fetchSize, toPage } from "./paging.js";
import { registerPermissions } from "./permission-repository.js";
import { toRole } from "./row-mappers.js";

export function createRoleRepository(ctx: StoreContext): RoleStore {
  const { profile } = ctx;
  const scoped = (c: StoreContext, workspaceId: string) =>
    c.db.selectFrom("roles").selectAll().where("workspace_id", "=", workspaceId);
  const conflict = () => new StoreConflictError("name");

  async function get(c: StoreContext, workspaceId: string, roleId: string) {
    const row = await scoped(c, workspaceId).where("id", "=", roleId).executeTakeFirst();
    return row ? toRole(profile, row) : null;
  }

  return {
    create: (role) =>
      atomic(ctx, async (tx) => {
        const at = profile.time.encode(role.now);
        try {
          await tx.db
            .insertInto("roles")
            .values({
              id: role.id,
              workspace_id: role.workspaceId,
              name: role.name,
              description: role.description,
              permissions: profile.json.encode(role.permissions),
              created_at: at,
              updated_at: at,
            })
            .execute();
        } catch (error) {
          rethrowConflict(tx, error, conflict);
        }
        await registerPermissions(tx, role.workspaceId, role.permissions, role.now);
        const created = await get(tx, role.workspaceId, role.id);
        if (!created) throw new Error(`role ${role.id} vanished after insert`);
        return created;
      }),

    get: (workspaceId, roleId) => get(ctx, workspaceId, roleId),

    async getMany(workspaceId, roleIds) {
      if (roleIds.length === 0) return [];
      const rows = await scoped(ctx, workspaceId).where("id", "in", [...new Set(roleIds)]).orderBy("id").execute();
      return rows.map((row) => toRole(profile, row));
    },

    async list(workspaceId, page) {
      let query = scoped(ctx, workspaceId);
      if (page.after !== undefined) query = query.where("id", ">", page.after);
      const rows = await query.orderBy("id").limit(fetchSize(page)).execute();
      return toPage(
        rows.map((row) => toRole(profile, row)),
        page,
      );
    },

    update: (workspaceId, roleId, patch, now) =>
      atomic(ctx, async (tx) => {
        let result;
        try {
          result = await tx.db
            .updateTable("roles")
            .set({
              ...(patch.name !== undefined && { name: patch.name }),
              ...(patch.description !== undefined && { description: patch.description }),
              ...(patch.permissions !== undefined && { permissions: profile.json.encode(patch.permissions) }),
              updated_at: profile.time.encode(now),
            })
            .where("workspace_id", "=", workspaceId)
            .where("id", "=", roleId)
            .executeTakeFirst();
        } catch (error) {
          rethrowConflict(tx, error, conflict);
        }
        if (!touched(result)) return null;
        if (patch.permissions !== undefined) await registerPermissions(tx, workspaceId, patch.permissions, now);
        return get(tx, workspaceId, roleId);
      }),

    async delete(workspaceId, roleId) {
      // key_roles rows go with it through ON DELETE CASCADE.
      const result = await ctx.db.deleteFrom("roles").where("workspace_id", "=", workspaceId).where("id", "=", roleId).executeTakeFirst();
      return touched(result);
    },
  };
}
