// The storage contract: one suite, run against every adapter (SQLite always, PostgreSQL when
// KEYWARD_TEST_POSTGRES_URL names a server). Each adapter gets a fresh database for the run.
import { afterAll, beforeAll, describe } from "vitest";
import type { Store } from "../../src/storage/index.js";
import { storeAdapters, type TestDatabase } from "./adapters.js";
import { auditContract } from "./contract/audit.js";
import { auditTamperingContract } from "./contract/audit-tampering.js";
import { creditLeaseContract } from "./contract/credit-leases.js";
import { creditReadContract } from "./contract/credit-reads.js";
import { creditContract } from "./contract/credits.js";
import { identityContract } from "./contract/identities.js";
import { keyContract } from "./contract/keys.js";
import { keyImportContract } from "./contract/key-import.js";
import { leakContract } from "./contract/leaks.js";
import { lifecycleContract } from "./contract/lifecycle.js";
import { lifecycleMarksContract } from "./contract/lifecycle-marks.js";
import { rateLimitOverrideContract } from "./contract/ratelimit-overrides.js";
import { roleAndPermissionContract } from "./contract/roles-permissions.js";
import { rotationContract } from "./contract/rotation.js";
import { transactionContract } from "./contract/transactions.js";
import { verificationAndUsageContract } from "./contract/verification-usage.js";
import { webhookContract } from "./contract/webhooks.js";
import { workspaceAndApiContract } from "./contract/workspaces-apis.js";
import type { ContractContext } from "./fixtures.js";

describe.each(storeAdapters())("storage contract: $name", (adapter) => {
  let database: TestDatabase | undefined;
  let store: Store | undefined;

  beforeAll(async () => {
    database = adapter.newDatabase();
    store = await database.open();
  });

  afterAll(async () => {
    await store?.close();
    await database?.cleanup();
  });

  const context: ContractContext = {
    adapter,
    store: () => store ?? failNotOpen(),
    database: () => database ?? failNotOpen(),
  };

  describe("workspaces and apis", () => workspaceAndApiContract(context));
  describe("keys", () => keyContract(context));
  describe("key import", () => keyImportContract(context));
  describe("rotation", () => rotationContract(context));
  describe("leaks", () => leakContract(context));
  describe("verification and usage", () => verificationAndUsageContract(context));
  describe("identities", () => identityContract(context));
  describe("roles and permissions", () => roleAndPermissionContract(context));
  describe("credits", () => creditContract(context));
  describe("credits on reads", () => creditReadContract(context));
  describe("credit leases", () => creditLeaseContract(context));
  describe("rate limit overrides", () => rateLimitOverrideContract(context));
  describe("transactions", () => transactionContract(context));
  describe("lifecycle", () => lifecycleContract(context));
  describe("lifecycle due dates and marks", () => lifecycleMarksContract(context));
  describe("audit log", () => auditContract(context));
  describe("audit log tampering", () => auditTamperingContract(context));
  describe("webhooks", () => webhookContract(context));
});

function failNotOpen(): never {
  throw new Error("the store did not open; see the beforeAll error");
}
