// Identities: the owners of keys, unique per workspace by the provider's own externalId.
import { StoreConflictError, type IdentityStore } from "../port.js";
import type { StoreContext } from "./context.js";
import { rethrowConflict, touched } from "./context.js";
import { fetchSize, toPage } from "./paging.js";
import { toIdentity } from "./row-mappers.js";

export function createIdentityRepository(ctx: StoreContext): IdentityStore {
  const { db, profile } = ctx;
  const scoped = (workspaceId: string) => db.selectFrom("identities").selectAll().where("workspace_id", "=", workspaceId);
  const conflict = () => new StoreConflictError("externalId");

  async function get(workspaceId: string, identityId: string) {
    const row = await scoped(workspaceId).where("id", "=", identityId).executeTakeFirst();
    return row ? toIdentity(profile, row) : null;
  }

  return {
    async create(identity) {
      const at = profile.time.encode(identity.now);
      try {
        await db
          .insertInto("identities")
          .values({
            id: identity.id,
            workspace_id: identity.workspaceId,
            external_id: identity.externalId,
            meta: profile.json.encode(identity.meta),
            created_at: at,
            updated_at: at,
          })
          .execute();
      } catch (error) {
        rethrowConflict(ctx, error, conflict);
      }
      const created = await get(identity.workspaceId, identity.id);
      if (!created) throw new Error(`identity ${identity.id} vanished after insert`);
      return created;
    },

    get,

    async getByExternalId(workspaceId, externalId) {
      const row = await scoped(workspaceId).where("external_id", "=", externalId).executeTakeFirst();
      return row ? toIdentity(profile, row) : null;
    },

    async list(workspaceId, page) {
      let query = scoped(workspaceId);
      if (page.after !== undefined) query = query.where("id", ">", page.after);
      const rows = await query.orderBy("id").limit(fetchSize(page)).execute();
      return toPage(
        rows.map((row) => toIdentity(profile, row)),
        page,
      );
    },

    async update(workspaceId, identityId, patch, now) {
      let result;
      try {
        result = await db
          .updateTable("identities")
          .set({
            ...(patch.externalId !== undefined && { external_id: patch.externalId }),
            ...(patch.meta !== undefined && { meta: profile.json.encode(patch.meta) }),
            updated_at: profile.time.encode(now),
          })
          .where("workspace_id", "=", workspaceId)
          .where("id", "=", identityId)
          .executeTakeFirst();
      } catch (error) {
        rethrowConflict(ctx, error, conflict);
      }
      return touched(result) ? get(workspaceId, identityId) : null;
    },

    async delete(workspaceId, identityId) {
      // The foreign key's ON DELETE SET NULL detaches the identity's keys in the same statement.
      const result = await db
        .deleteFrom("identities")
        .where("workspace_id", "=", workspaceId)
        .where("id", "=", identityId)
        .executeTakeFirst();
      return touched(result);
    },
  };
}
