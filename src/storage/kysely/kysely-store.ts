// The Store over any kysely dialect: wires the repositories to one kysely handle and a dialect profile.
import type { Kysely } from "kysely";
import type { Store } from "../port.js";
import { createAuditRepository } from "./audit-repository.js";
import { createApiRepository } from "./api-repository.js";
import { createCreditRepository } from "./credit-repository.js";
import type { DialectProfile } from "./dialect-profile.js";
import { createIdentityRepository } from "./identity-repository.js";
import { createKeyRepository } from "./key-repository.js";
import { createLifecycleRepository } from "./lifecycle-repository.js";
import { createPermissionRepository } from "./permission-repository.js";
import { createRateLimitOverrideRepository } from "./ratelimit-override-repository.js";
import { createRoleRepository } from "./role-repository.js";
import type { Database } from "./schema.js";
import { createWebhookRepository } from "./webhook-repository.js";
import { createWorkspaceRepository } from "./workspace-repository.js";

/** `db` is the pool-backed instance, or a transaction when this store is the one `transaction` hands out. */
export function createKyselyStore(db: Kysely<Database>, profile: DialectProfile): Store {
  const ctx = { db, profile };
  const store: Store = {
    capabilities: profile.capabilities,
    workspaces: createWorkspaceRepository(ctx),
    apis: createApiRepository(ctx),
    keys: createKeyRepository(ctx),
    identities: createIdentityRepository(ctx),
    roles: createRoleRepository(ctx),
    permissions: createPermissionRepository(ctx),
    credits: createCreditRepository(ctx),
    rateLimitOverrides: createRateLimitOverrideRepository(ctx),
    audit: createAuditRepository(ctx),
    lifecycle: createLifecycleRepository(ctx),
    webhooks: createWebhookRepository(ctx),

    transaction(work) {
      // Nested calls join the open transaction: kysely has no nested transactions, and the caller
      // asked for "all of this at once", which the outer transaction already gives.
      if (db.isTransaction) return work(store);
      return db.transaction().execute((trx) => work(createKyselyStore(trx, profile)));
    },

    async close() {
      // A transaction-bound store does not own the connection; the store that opened it closes it.
      if (!db.isTransaction) await db.destroy();
    },
  };
  return store;
}
