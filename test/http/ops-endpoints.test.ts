// The unauthenticated operator endpoints: liveness, readiness, Prometheus metrics (outcome codes as
// labels, never a key, hash or id), the generated OpenAPI 3.1 document and the docs UI.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { hashKey } from "../../src/core/index.js";
import { CreateApiBody } from "../../src/server/schemas/apis.js";
import { VerifyKeyBody } from "../../src/server/schemas/keys.js";
import { createHarness, type Harness } from "../support/harness.js";
import { fixtures, idsOf, mistype, send, snapshot, type Fixtures } from "./fixtures.js";
import { ROUTES } from "./route-table.js";

let h: Harness;
let f: Fixtures;

beforeAll(async () => {
  h = await createHarness();
  f = fixtures(h);
});
afterAll(() => h?.close());

const get = (url: string) => send(h, { method: "GET", url });

describe("health", () => {
  it("answers /healthz with 200 ok, without a key", async () => {
    const reply = await get("/healthz");
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ status: "ok" });
  });

  it("answers /readyz with 200 and the database ok", async () => {
    const reply = await get("/readyz");
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ status: "ready", checks: { database: "ok", limiter: "ok" } });
  });

  it("answers /readyz with 503 when the database does not answer", async () => {
    const spy = vi.spyOn(h.ctx.store.workspaces, "count").mockRejectedValue(new Error("SQLITE_CANTOPEN"));
    try {
      const reply = await get("/readyz");
      expect(reply.status).toBe(503);
      expect(reply.json).toEqual({ status: "unavailable", checks: { database: "unreachable", limiter: "ok" } });
      expect(reply.text).not.toContain("SQLITE_CANTOPEN");
    } finally {
      spy.mockRestore();
    }
    expect((await get("/readyz")).status).toBe(200);
  });
});

describe("metrics", () => {
  const counter = (text: string, code: string) => {
    const match = new RegExp(`^keyward_verifications_total\\{code="${code}"\\} (\\d+)$`, "m").exec(text);
    return match ? Number(match[1]) : 0;
  };

  it("counts verifications by outcome code, and shows no key, hash or id", async () => {
    const created = await f.key({ permissions: ["docs:read"] });
    const before = (await get("/metrics")).text;
    await f.verify({ key: created.key });
    await f.verify({ key: created.key });
    await f.verify({ key: mistype(created.key) });
    await f.verify({ key: created.key, permissions: "docs:write" });

    const reply = await get("/metrics");
    expect(reply.status).toBe(200);
    expect(String(reply.headers["content-type"])).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = reply.text;
    expect(text).toMatch(/^# TYPE keyward_verifications_total counter$/m);
    // The management calls' own root-key checks count too: at least the customer verifications show.
    expect(counter(text, "VALID") - counter(before, "VALID")).toBeGreaterThanOrEqual(2);
    expect(counter(text, "MALFORMED") - counter(before, "MALFORMED")).toBe(1);
    expect(counter(text, "INSUFFICIENT_PERMISSIONS") - counter(before, "INSUFFICIENT_PERMISSIONS")).toBe(1);
    expect(text).toMatch(/^keyward_verify_cache_lookups_total\{result="hit"\} \d+$/m);

    const state = await snapshot(h);
    const secrets = [created.key, hashKey(created.key), h.rootKey, hashKey(h.rootKey), created.start, ...idsOf(state)];
    for (const secret of secrets) expect(text, secret).not.toContain(secret);
    // Labels carry outcome codes and fixed names only.
    const labelValues = [...text.matchAll(/\{([^}]*)\}/g)].flatMap((m) => [...m[1]!.matchAll(/="([^"]*)"/g)].map((v) => v[1]!));
    for (const value of labelValues) expect(value).toMatch(/^[A-Za-z0-9_.+\-: ]{0,40}$/);
  });
});

describe("OpenAPI", () => {
  it("serves an OpenAPI 3.1 document with every /v1 route of the matrix", async () => {
    const reply = await get("/openapi.json");
    expect(reply.status).toBe(200);
    const doc = reply.json;
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info).toMatchObject({ title: "Keyward", version: expect.any(String) });
    expect(doc.components.securitySchemes.rootKey).toMatchObject({ type: "http", scheme: "bearer" });
    for (const row of ROUTES) {
      const path = row.route.replace(/:(\w+)/g, "{$1}");
      expect(doc.paths[path]?.[row.method.toLowerCase()], `${row.method} ${path}`).toBeDefined();
    }
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/healthz", "/readyz"]));
  });

  it("is generated from the route schemas, not written by hand", async () => {
    const doc = (await get("/openapi.json")).json;
    expect(doc).toEqual(JSON.parse(JSON.stringify(h.app.swagger())));
    const createApi = doc.paths["/v1/apis"].post.requestBody.content["application/json"].schema;
    expect(createApi.required).toEqual(CreateApiBody.required);
    expect(createApi.properties.prefix.pattern).toBe(CreateApiBody.properties.prefix.pattern);
    expect(createApi.additionalProperties).toBe(false);
    const verify = doc.paths["/v1/keys/verify"].post.requestBody.content["application/json"].schema;
    expect(Object.keys(verify.properties).sort()).toEqual(Object.keys(VerifyKeyBody.properties).sort());
    const keyParam = doc.paths["/v1/keys/{keyId}"].get.parameters.find((p: { name: string }) => p.name === "keyId");
    expect(keyParam).toMatchObject({ in: "path", required: true });
    // Every guarded operation documents its 401 and 403 problems.
    for (const row of ROUTES) {
      const responses = doc.paths[row.route.replace(/:(\w+)/g, "{$1}")][row.method.toLowerCase()].responses;
      expect(Object.keys(responses), `${row.method} ${row.route}`).toEqual(expect.arrayContaining([String(row.success), "401", "403"]));
    }
  });

  it("serves the docs UI as HTML", async () => {
    for (const url of ["/docs", "/docs/"]) {
      const reply = await get(url);
      expect(reply.status, url).toBe(200);
      expect(String(reply.headers["content-type"])).toMatch(/^text\/html/);
      expect(reply.text).toMatch(/<html/i);
    }
  });
});
