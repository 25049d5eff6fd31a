// APIs (keyspaces). Deletion is soft: `deleted_at` hides the API and, through joins, all of its keys.
import type { ApiStore } from "../port.js";
import type { StoreContext } from "./context.js";
import { touched } from "./context.js";
import { fetchSize, toPage } from "./paging.js";
import { toApi } from "./row-mappers.js";

export function createApiRepository(ctx: StoreContext): ApiStore {
  const { db, profile } = ctx;
  const live = (workspaceId: string) =>
    db.selectFrom("apis").selectAll().where("workspace_id", "=", workspaceId).where("deleted_at", "is", null);

  async function get(workspaceId: string, apiId: string) {
    const row = await live(workspaceId).where("id", "=", apiId).executeTakeFirst();
    return row ? toApi(profile, row) : null;
  }

  return {
    async create(api) {
      const at = profile.time.encode(api.now);
      await db
        .insertInto("apis")
        .values({
          id: api.id,
          workspace_id: api.workspaceId,
          kind: api.kind,
          name: api.name,
          prefix: api.prefix,
          defaults: profile.json.encode(api.defaults),
          policy: profile.json.encode(api.policy ?? {}),
          created_at: at,
          updated_at: at,
          deleted_at: null,
        })
        .execute();
      const created = await get(api.workspaceId, api.id);
      if (!created) throw new Error(`api ${api.id} vanished after insert`);
      return created;
    },

    get,

    async list(workspaceId, page) {
      let query = live(workspaceId).where("kind", "=", "customer");
      if (page.after !== undefined) query = query.where("id", ">", page.after);
      const rows = await query.orderBy("id").limit(fetchSize(page)).execute();
      return toPage(
        rows.map((row) => toApi(profile, row)),
        page,
      );
    },

    async getRootApi(workspaceId) {
      const row = await live(workspaceId).where("kind", "=", "root").orderBy("id").limit(1).executeTakeFirst();
      return row ? toApi(profile, row) : null;
    },

    async update(workspaceId, apiId, patch, now) {
      const result = await db
        .updateTable("apis")
        .set({
          ...(patch.name !== undefined && { name: patch.name }),
          ...(patch.defaults !== undefined && { defaults: profile.json.encode(patch.defaults) }),
          ...(patch.policy !== undefined && { policy: profile.json.encode(patch.policy) }),
          updated_at: profile.time.encode(now),
        })
        .where("workspace_id", "=", workspaceId)
        .where("id", "=", apiId)
        .where("deleted_at", "is", null)
        .executeTakeFirst();
      return touched(result) ? get(workspaceId, apiId) : null;
    },

    async delete(workspaceId, apiId, now) {
      const at = profile.time.encode(now);
      const result = await db
        .updateTable("apis")
        .set({ deleted_at: at, updated_at: at })
        .where("workspace_id", "=", workspaceId)
        .where("id", "=", apiId)
        .where("deleted_at", "is", null)
        .executeTakeFirst();
      return touched(result);
    },

    async markHoldsImportedKeys(workspaceId, apiId) {
      // Derived state, not an edit of the API: updated_at stays; the imports have their own audit entries.
      const result = await db
        .updateTable("apis")
        .set({ holds_imported_keys: profile.bool.encode(true) })
        .where("workspace_id", "=", workspaceId)
        .where("id", "=", apiId)
        .where("holds_imported_keys", "=", profile.bool.encode(false))
        .executeTakeFirst();
      return touched(result);
    },

    async listHoldingImportedKeys() {
      const rows = await db
        .selectFrom("apis")
        .select(["id", "workspace_id"])
        .where("holds_imported_keys", "=", profile.bool.encode(true))
        .where("deleted_at", "is", null)
        .execute();
      return rows.map((row) => ({ apiId: row.id, workspaceId: row.workspace_id }));
    },
  };
}
