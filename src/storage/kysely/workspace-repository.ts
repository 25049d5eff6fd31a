// Workspaces (tenants): created once, never renamed or deleted through the store.
import type { WorkspaceStore } from "../port.js";
import type { StoreContext } from "./context.js";
import { toWorkspace } from "./row-mappers.js";

export function createWorkspaceRepository(ctx: StoreContext): WorkspaceStore {
  const { db, profile } = ctx;
  return {
    async create({ id, name, now }) {
      await db.insertInto("workspaces").values({ id, name, created_at: profile.time.encode(now) }).execute();
      return { id, name, createdAt: new Date(now.getTime()) };
    },

    async get(workspaceId) {
      const row = await db.selectFrom("workspaces").selectAll().where("id", "=", workspaceId).executeTakeFirst();
      return row ? toWorkspace(profile, row) : null;
    },

    async claimInstall(now) {
      const result = await db
        .insertInto("install_claim")
        .values({ id: 1, claimed_at: profile.time.encode(now) })
        .onConflict((oc) => oc.column("id").doNothing())
        .executeTakeFirst();
      return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
    },

    async count() {
      const row = await db.selectFrom("workspaces").select((eb) => eb.fn.countAll().as("count")).executeTakeFirstOrThrow();
      return Number(row.count);
    },
  };
}
