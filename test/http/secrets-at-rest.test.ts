// No plaintext key at rest or in logs: after issuing keys and root keys through the API and using
// them (in headers, bodies and query strings, right and wrong), neither the SQLite file, its WAL,
// nor a single log line contains any issued key or Authorization header value.
import { existsSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashKey } from "../../src/core/index.js";
import { createHarness, type Harness } from "../support/harness.js";
import { call, expectStatus, fixtures, mistype, send } from "./fixtures.js";

let h: Harness;
const logLines: string[] = [];
/** Every secret the API handed out, and every Authorization header value that was sent. */
const secrets = new Set<string>();
const authorizations = new Set<string>();
const keyIds: string[] = [];

beforeAll(async () => {
  h = await createHarness({ logger: { level: "trace", stream: { write: (line: string) => void logLines.push(line) } } });
  secrets.add(h.rootKey);
  const f = fixtures(h);

  for (const environment of ["live", "test"]) {
    const api = await f.api();
    for (let i = 0; i < 3; i++) {
      const key = await f.key({ apiId: api.id, environment, externalId: `owner-${i}`, permissions: ["docs:read"], meta: { i } });
      secrets.add(key.key);
      keyIds.push(key.id);
    }
  }
  for (const permissions of [["keys:verify"], ["apis:*", "keys:*"]]) {
    const rootKey = await f.rootKey(permissions);
    secrets.add(rootKey.key);
    keyIds.push(rootKey.id);
  }
  const workspace = await call(h, "POST", "/v1/workspaces", { name: "tenant" });
  expectStatus(workspace, 201);
  secrets.add(workspace.json.rootKey.key);

  const rootKeys = [...secrets].filter((secret) => secret.startsWith("kwroot_"));
  const customerKeys = [...secrets].filter((secret) => !secret.startsWith("kwroot_"));
  const use = async (rootKey: string, request: { method: string; url: string; body?: unknown; headers?: Record<string, string> }) => {
    const authorization = `Bearer ${rootKey}`;
    authorizations.add(authorization);
    return send(h, {
      method: request.method,
      url: request.url,
      headers: { authorization, ...(request.body !== undefined ? { "content-type": "application/json" } : {}), ...request.headers },
      ...(request.body !== undefined ? { payload: JSON.stringify(request.body) } : {}),
    });
  };

  for (const rootKey of rootKeys) {
    for (const key of customerKeys) {
      await use(rootKey, { method: "POST", url: "/v1/keys/verify", body: { key, permissions: "docs:read" } });
      await use(rootKey, { method: "POST", url: "/v1/keys/verify", body: { key: mistype(key) } });
      await use(rootKey, { method: "POST", url: `/v1/keys/verify?key=${encodeURIComponent(key)}`, body: { key } });
      await use(rootKey, { method: "GET", url: `/v1/keys?key=${encodeURIComponent(key)}&api_key=${key}` });
      await use(rootKey, { method: "GET", url: `/v1/nothing-here?token=${key}` });
      await use(rootKey, { method: "GET", url: `/v1/keys/%E0%A4%A?key=${key}` });
      await use(rootKey, { method: "POST", url: "/v1/keys/verify", body: `{"key": "${key}"`, headers: { "content-type": "application/json" } });
      await use(rootKey, { method: "POST", url: "/v1/keys/verify", body: { key, surprise: key } });
    }
    // Wrong root keys: a mistyped one, one sent as X-API-Key, one in the query string.
    await use(mistype(rootKey), { method: "GET", url: "/v1/apis" });
    await send(h, { method: "GET", url: "/v1/apis", headers: { "x-api-key": rootKey } });
    await send(h, { method: "GET", url: `/v1/apis?key=${rootKey}` });
  }
  await h.ctx.usage.flush();
});

afterAll(() => h?.close());

function filesAtRest(): Array<[string, Buffer]> {
  return [h.databaseFile, `${h.databaseFile}-wal`, `${h.databaseFile}-shm`, `${h.databaseFile}-journal`]
    .filter((file) => existsSync(file))
    .map((file) => [file, readFileSync(file)]);
}

describe("no plaintext key at rest", () => {
  it("reads real data from the database files (sanity)", () => {
    const all = Buffer.concat(filesAtRest().map(([, bytes]) => bytes));
    expect(existsSync(`${h.databaseFile}-wal`)).toBe(true);
    for (const id of keyIds) expect(all.includes(id), id).toBe(true);
    expect(all.includes(hashKey(h.rootKey))).toBe(true);
  });

  it("stores no issued key in the SQLite file or its WAL", () => {
    expect(secrets.size).toBeGreaterThanOrEqual(10);
    for (const [file, bytes] of filesAtRest()) {
      for (const secret of secrets) {
        expect(bytes.includes(secret), `${file} holds ${secret.slice(0, 12)}…`).toBe(false);
        // Nor the secret part alone (everything after the prefix and environment).
        expect(bytes.includes(secret.split("_")[2]!), `${file} holds the body of ${secret.slice(0, 12)}…`).toBe(false);
      }
    }
  });
});

describe("no plaintext key in logs", () => {
  it("logged the requests (sanity), with key-bearing query parameters redacted", () => {
    const text = logLines.join("");
    expect(logLines.length).toBeGreaterThan(50);
    expect(text).toContain("/v1/keys/verify");
    expect(text).toMatch(/key=%5BREDACTED%5D|key=\[REDACTED\]/);
  });

  it("logs no issued key, no key body and no Authorization header value", () => {
    const text = logLines.join("");
    for (const secret of secrets) {
      expect(text.includes(secret), `log holds ${secret.slice(0, 12)}…`).toBe(false);
      expect(text.includes(secret.split("_")[2]!), `log holds the body of ${secret.slice(0, 12)}…`).toBe(false);
      expect(text.includes(mistype(secret)), `log holds a mistyped ${secret.slice(0, 12)}…`).toBe(false);
    }
    for (const authorization of authorizations) expect(text.includes(authorization)).toBe(false);
    expect(text.toLowerCase()).not.toContain('"authorization"');
    expect(text.toLowerCase()).not.toContain("x-api-key");
  });
});
