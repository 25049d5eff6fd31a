// Identities: the owners of keys, unique per workspace by the provider's own externalId.
import type { Selectable } from "kysely";
import type { IdentityRecord } from "../../core/index.js";
import { StoreConflictError, type IdentityStore } from "../port.js";
import type { StoreContext } from "./context.js";
import { atomic, rethrowConflict, touched } from "./context.js";
import { creditsOf } from "./owner-credits.js";
import { fetchSize, toPage } from "./paging.js";
import { toIdentity } from "./row-mappers.js";
import type { IdentitiesTable } from "./schema.js";

/** Rows per statement of the bulk methods: well inside SQLite's and PostgreSQL's bound-parameter limits. */
const BULK_CHUNK = 500;

export function createIdentityRepository(ctx: StoreContext): IdentityStore {
  const { db, profile } = ctx;
  const scoped = (workspaceId: string) => db.selectFrom("identities").selectAll().where("workspace_id", "=", workspaceId);
  const conflict = () => new StoreConflictError("externalId");

  /** Identity records with their credits, read for all rows in one query. */
  async function toIdentities(workspaceId: string, rows: Selectable<IdentitiesTable>[]): Promise<IdentityRecord[]> {
    const credits = await creditsOf(ctx, workspaceId, rows.map((row) => row.id));
    return rows.map((row) => toIdentity(profile, row, credits.get(row.id) ?? null));
  }

  async function first(workspaceId: string, row: Selectable<IdentitiesTable> | undefined): Promise<IdentityRecord | null> {
    return row ? ((await toIdentities(workspaceId, [row]))[0] ?? null) : null;
  }

  async function get(workspaceId: string, identityId: string) {
    return first(workspaceId, await scoped(workspaceId).where("id", "=", identityId).executeTakeFirst());
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
            ratelimits: profile.json.encode(identity.ratelimits ?? []),
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
      return first(workspaceId, await scoped(workspaceId).where("external_id", "=", externalId).executeTakeFirst());
    },

    async getManyByExternalId(workspaceId, externalIds) {
      const rows: Selectable<IdentitiesTable>[] = [];
      for (let at = 0; at < externalIds.length; at += BULK_CHUNK) {
        rows.push(...(await scoped(workspaceId).where("external_id", "in", externalIds.slice(at, at + BULK_CHUNK)).execute()));
      }
      return rows.length === 0 ? [] : toIdentities(workspaceId, rows);
    },

    async createMany(identities) {
      const created: IdentityRecord[] = [];
      for (let at = 0; at < identities.length; at += BULK_CHUNK) {
        const chunk = identities.slice(at, at + BULK_CHUNK);
        const rows = chunk.map((identity) => {
          const time = profile.time.encode(identity.now);
          return {
            id: identity.id,
            workspace_id: identity.workspaceId,
            external_id: identity.externalId,
            meta: profile.json.encode(identity.meta),
            ratelimits: profile.json.encode(identity.ratelimits ?? []),
            created_at: time,
            updated_at: time,
          };
        });
        try {
          await db.insertInto("identities").values(rows).execute();
        } catch (error) {
          rethrowConflict(ctx, error, conflict);
        }
        // Read back as stored (one query a chunk); new identities have no credits yet.
        const stored = await db.selectFrom("identities").selectAll().where("id", "in", rows.map((row) => row.id)).execute();
        const byId = new Map(stored.map((row) => [row.id, row]));
        created.push(...rows.map((row) => toIdentity(profile, byId.get(row.id)!, null)));
      }
      return created;
    },

    async list(workspaceId, page) {
      let query = scoped(workspaceId);
      if (page.after !== undefined) query = query.where("id", ">", page.after);
      const rows = await query.orderBy("id").limit(fetchSize(page)).execute();
      return toPage(await toIdentities(workspaceId, rows), page);
    },

    async update(workspaceId, identityId, patch, now) {
      let result;
      try {
        result = await db
          .updateTable("identities")
          .set({
            ...(patch.externalId !== undefined && { external_id: patch.externalId }),
            ...(patch.meta !== undefined && { meta: profile.json.encode(patch.meta) }),
            ...(patch.ratelimits !== undefined && { ratelimits: profile.json.encode(patch.ratelimits) }),
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

    delete: (workspaceId, identityId) =>
      atomic(ctx, async (tx) => {
        // The foreign key's ON DELETE SET NULL detaches the identity's keys in the same statement.
        const result = await tx.db
          .deleteFrom("identities")
          .where("workspace_id", "=", workspaceId)
          .where("id", "=", identityId)
          .executeTakeFirst();
        if (!touched(result)) return false;
        // credits.owner_id has no foreign key (it names keys or identities), so the row goes here.
        await tx.db.deleteFrom("credits").where("workspace_id", "=", workspaceId).where("owner_id", "=", identityId).execute();
        return true;
      }),
  };
}
