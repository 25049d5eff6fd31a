// The audit log never holds a secret: after issuing, rotating and using keys and root keys, no row of
// the audit table contains any issued key, nor the SHA-256 a key is stored under.
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashKey } from "../../src/core/index.js";
import { createHarness, type Harness } from "../support/harness.js";
import { call, expectStatus, fixtures } from "./fixtures.js";

let h: Harness;
const secrets = new Set<string>();

beforeAll(async () => {
  h = await createHarness();
  const f = fixtures(h);
  secrets.add(h.rootKey);
  const api = await f.api();
  for (const externalId of ["alice", "bob"]) {
    const key = await f.key({ apiId: api.id, externalId, meta: { note: "hello" } });
    secrets.add(key.key);
    const rotated = await call(h, "POST", `/v1/keys/${key.id}/rotate`, { gracePeriodSeconds: 0 });
    expectStatus(rotated, 200);
    secrets.add(rotated.json.key);
    await call(h, "PATCH", `/v1/keys/${key.id}`, { name: "renamed", credits: { remaining: 3 } });
    await f.verify({ key: rotated.json.key });
    await f.revoke(key.id);
  }
  const rootKey = await f.rootKey(["keys:*"]);
  secrets.add(rootKey.key);
  await f.revokeRootKey(rootKey.id);
  const workspace = await call(h, "POST", "/v1/workspaces", { name: "second" });
  secrets.add(workspace.json.rootKey.key);
});
afterAll(() => h?.close());

describe("audit log at rest", () => {
  it("holds entries, and none carries a key or a key's hash", () => {
    const db = new Database(h.databaseFile, { readonly: true });
    try {
      const rows = db.prepare("select * from audit_log").all() as Record<string, unknown>[];
      expect(rows.length).toBeGreaterThan(15);
      const text = JSON.stringify(rows);
      for (const secret of secrets) {
        expect(text).not.toContain(secret);
        expect(text).not.toContain(hashKey(secret));
        // Nor the key's body alone (the part after the prefix and environment).
        expect(text).not.toContain(secret.split("_").pop()!);
      }
      for (const row of rows) {
        for (const view of [row.before_view, row.after_view]) {
          if (typeof view !== "string") continue;
          expect(Object.keys(JSON.parse(view))).not.toContain("hash");
        }
      }
    } finally {
      db.close();
    }
  });
});
