// Brings a database up to the latest schema at start-up. Migrations live in code (no file globbing),
// so the same list runs from dist/ and from tsx; on PostgreSQL kysely holds an advisory lock meanwhile,
// so nodes starting together apply each migration once.
import { Migrator, type Kysely, type Migration, type MigrationProvider } from "kysely";
import type { DialectProfile } from "../dialect-profile.js";
import { initialMigration } from "./0001-initial.js";
import { rateLimitsAndCreditsMigration } from "./0002-ratelimits-credits.js";
import { retiredKeyHashesMigration } from "./0003-retired-key-hashes.js";
import { auditLogMigration } from "./0004-audit-log.js";
import { apiPolicyMigration } from "./0005-api-policy.js";
import { webhooksMigration } from "./0006-webhooks.js";
import { lifecycleMarksMigration } from "./0007-lifecycle-marks.js";
import { keyImportMigration } from "./0008-key-import.js";
import { installClaimMigration } from "./0009-install-claim.js";

/** Names sort in the order they apply; never rename or edit a released one, add the next instead. */
function migrationsFor(profile: DialectProfile): Record<string, Migration> {
  return {
    "0001_initial": initialMigration(profile.columnTypes),
    "0002_ratelimits_credits": rateLimitsAndCreditsMigration(profile.columnTypes),
    "0003_retired_key_hashes": retiredKeyHashesMigration(profile.columnTypes),
    "0004_audit_log": auditLogMigration(profile.columnTypes),
    "0005_api_policy": apiPolicyMigration(profile.columnTypes),
    "0006_webhooks": webhooksMigration(profile.columnTypes),
    "0007_lifecycle_marks": lifecycleMarksMigration(profile),
    "0008_key_import": keyImportMigration(profile.columnTypes),
    "0009_install_claim": installClaimMigration(profile.columnTypes),
  };
}

export interface MigrateOptions {
  /**
   * Where kysely keeps its bookkeeping tables. Must be the schema the tables go to: left unset, kysely
   * would take a `kysely_migration` table in any other schema of the database for its own.
   */
  migrationTableSchema?: string;
}

/** Applies pending migrations and returns their names; throws the first failure. */
export async function migrateToLatest(db: Kysely<any>, profile: DialectProfile, options: MigrateOptions = {}): Promise<string[]> {
  const provider: MigrationProvider = { getMigrations: async () => migrationsFor(profile) };
  const migrator = new Migrator({ db, provider, migrationTableSchema: options.migrationTableSchema });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((result) => result.status === "Error")?.migrationName;
    const which = failed === undefined ? "storage migrations" : `storage migration ${failed}`;
    throw new Error(`${which} failed: ${describe(error)}`, { cause: error });
  }
  return (results ?? []).filter((result) => result.status === "Success").map((result) => result.migrationName);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
