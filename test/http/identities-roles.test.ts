// /v1/identities and /v1/roles: identities are addressed by id or by any externalId (however odd),
// roles by id or name; updates and deletions show on the keys that refer to them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../support/harness.js";
import { call, expectProblem, expectStatus, fixtures, unknownId, type Fixtures } from "./fixtures.js";

let h: Harness;
let f: Fixtures;

beforeAll(async () => {
  h = await createHarness();
  f = fixtures(h);
});
afterAll(() => h?.close());

describe("identities", () => {
  const ODD_EXTERNAL_IDS = [
    "plain",
    "a/b c",
    "with?query=1&x#frag",
    "100% sure",
    "ünïcødé-🔑",
    "a..b",
    unknownId("id"), // looks like an id but is an externalId
    "e".repeat(255),
    "🔑".repeat(127),
  ];

  it("reaches an identity by any externalId in the path: get, patch, delete", async () => {
    for (const externalId of ODD_EXTERNAL_IDS) {
      const created = await f.identity({ externalId });
      const path = `/v1/identities/${encodeURIComponent(externalId)}`;
      const got = await call(h, "GET", path);
      expect(got.status, externalId).toBe(200);
      expect(got.json).toMatchObject({ id: created.id, externalId });
      const patched = await call(h, "PATCH", path, { meta: { seen: true } });
      expect(patched.json).toMatchObject({ id: created.id, meta: { seen: true } });
      expectStatus(await call(h, "DELETE", path), 200);
      expectProblem(await call(h, "GET", path), 404, "IDENTITY_NOT_FOUND");
      expectProblem(await call(h, "GET", `/v1/identities/${created.id}`), 404, "IDENTITY_NOT_FOUND");
    }
  });

  it("reaches an identity by its id, and renames its externalId", async () => {
    const created = await f.identity({ meta: { plan: "free" } });
    expect((await call(h, "GET", `/v1/identities/${created.id}`)).json).toEqual(created);
    const renamed = await call(h, "PATCH", `/v1/identities/${created.id}`, { externalId: "renamed-customer" });
    expect(renamed.json).toMatchObject({ id: created.id, externalId: "renamed-customer", meta: { plan: "free" } });
    expect((await call(h, "GET", "/v1/identities/renamed-customer")).json.id).toBe(created.id);
    expectProblem(await call(h, "GET", `/v1/identities/${encodeURIComponent(created.externalId)}`), 404, "IDENTITY_NOT_FOUND");
  });

  it("answers 404 for deleting an identity twice", async () => {
    const created = await f.identity();
    expectStatus(await call(h, "DELETE", `/v1/identities/${created.id}`), 200);
    expectProblem(await call(h, "DELETE", `/v1/identities/${created.id}`), 404, "IDENTITY_NOT_FOUND");
  });
});

describe("roles", () => {
  it("reads, renames, re-describes and deletes a role", async () => {
    const created = await f.role({ description: "readers", permissions: ["docs:read"] });
    expect((await call(h, "GET", `/v1/roles/${created.id}`)).json).toEqual(created);
    const updated = await call(h, "PATCH", `/v1/roles/${created.id}`, { name: "viewers", description: null });
    expect(updated.json).toMatchObject({ id: created.id, name: "viewers", description: null, permissions: ["docs:read"] });
    expectStatus(await call(h, "DELETE", `/v1/roles/${created.id}`), 200);
    expectProblem(await call(h, "GET", `/v1/roles/${created.id}`), 404, "ROLE_NOT_FOUND");
    expectProblem(await call(h, "DELETE", `/v1/roles/${created.id}`), 404, "ROLE_NOT_FOUND");
  });

  it("attaches roles to keys by id or name, shows both, and detaches a deleted role", async () => {
    const [readers, writers] = [await f.role({ permissions: ["docs:read"] }), await f.role({ permissions: ["docs:write"] })];
    const key = await f.key({ roles: [readers.name, writers.id, readers.id] });
    const shown = [
      { id: readers.id, name: readers.name },
      { id: writers.id, name: writers.name },
    ];
    expect(key.roles).toEqual(expect.arrayContaining(shown));
    expect(key.roles).toHaveLength(2);
    expect((await call(h, "GET", `/v1/keys/${key.id}`)).json.roles).toEqual(expect.arrayContaining(shown));
    expect((await f.verify({ key: key.key })).roles.sort()).toEqual([readers.name, writers.name].sort());

    expectStatus(await call(h, "DELETE", `/v1/roles/${writers.id}`), 200);
    expect((await call(h, "GET", `/v1/keys/${key.id}`)).json.roles).toEqual([{ id: readers.id, name: readers.name }]);
    expect(await f.verify({ key: key.key, permissions: "docs:write" })).toMatchObject({ code: "INSUFFICIENT_PERMISSIONS", roles: [readers.name] });
  });

  it("shows a renamed role under its new name on its keys", async () => {
    const role = await f.role();
    const key = await f.key({ roles: [role.id] });
    expectStatus(await call(h, "PATCH", `/v1/roles/${role.id}`, { name: "renamed-role" }), 200);
    expect((await call(h, "GET", `/v1/keys/${key.id}`)).json.roles).toEqual([{ id: role.id, name: "renamed-role" }]);
    expect((await f.verify({ key: key.key })).roles).toEqual(["renamed-role"]);
  });
});

describe("APIs", () => {
  it("reads, updates and deletes an API; a deleted API is gone from lists and lookups", async () => {
    const api = await f.api({ name: "billing", defaults: { environment: "test" } });
    expect((await call(h, "GET", `/v1/apis/${api.id}`)).json).toEqual(api);
    const updated = await call(h, "PATCH", `/v1/apis/${api.id}`, { name: "billing v2" });
    expect(updated.json).toMatchObject({ id: api.id, name: "billing v2", prefix: api.prefix, defaults: { environment: "test" } });
    const key = await f.key({ apiId: api.id });
    expect(key.environment).toBe("test");
    expectStatus(await call(h, "DELETE", `/v1/apis/${api.id}`), 200);
    expectProblem(await call(h, "DELETE", `/v1/apis/${api.id}`), 404, "API_NOT_FOUND");
    expect((await call(h, "GET", "/v1/apis?limit=100")).json.items.map((item: { id: string }) => item.id)).not.toContain(api.id);
    expectProblem(await call(h, "POST", "/v1/keys", { apiId: api.id }), 404, "API_NOT_FOUND");
  });

  it("does not expose the reserved root-key API", async () => {
    const apis = (await call(h, "GET", "/v1/apis?limit=100")).json.items;
    expect(apis.every((api: { prefix: string }) => api.prefix !== "kwroot")).toBe(true);
  });
});
