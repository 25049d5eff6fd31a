// The raw node:http lane for POST /v1/keys/verify (src/server/verify-fast-lane.ts) answers exactly as the
// Fastify route: for every input of the table, the same status, content type, WWW-Authenticate and body
// bytes (the request id aside), over a real socket against Fastify's own answer (inject). Each input also
// shows which way it went: answered by the lane, handed to Fastify after the lane read it, or left to
// Fastify before.
import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createHarness, type Harness } from "../support/harness.js";
import { fixtures } from "./fixtures.js";

let h: Harness;
let base: { host: string; port: number };
let fastifyRequests = 0;
const inputs: Record<string, string> = {};

beforeAll(async () => {
  h = await createHarness({ beforeReady: (app) => app.addHook("onRequest", async () => void fastifyRequests++) });
  await h.app.listen({ host: "127.0.0.1", port: 0 });
  const address = h.app.server.address() as AddressInfo;
  base = { host: "127.0.0.1", port: address.port };
  const f = fixtures(h);
  const api = await f.api();
  const role = await f.role({ permissions: ["billing:read"] });
  inputs.key = (await f.key({ apiId: api.id, name: "ci", externalId: "acme", meta: { plan: "gold", "odd \"name\"": [1, { deep: null }] }, permissions: ["docs:read"], roles: [role.name] })).key;
  inputs.limited = (await f.key({ apiId: api.id, ratelimits: [{ name: "burst", limit: 5, durationMs: 60_000, autoApply: false }] })).key;
  const revoked = await f.key({ apiId: api.id });
  await f.revoke(revoked.id);
  inputs.revoked = revoked.key;
  inputs.apiId = api.id;
  inputs.readOnlyRoot = (await f.rootKey(["keys:read"])).key;
});
afterAll(() => h?.close());

interface Exchange {
  status: number;
  type: string | undefined;
  authenticate: string | undefined;
  body: string;
}

const comparable = (status: number, headers: Record<string, unknown>, body: string): Exchange => ({
  status,
  type: headers["content-type"] as string | undefined,
  authenticate: headers["www-authenticate"] as string | undefined,
  // Each answer has its own request id; a limit's reset is a time a few ms apart between the two calls.
  body: body.replace(/"requestId":"[^"]*"/, '"requestId":"…"').replace(/"reset":\d+/g, '"reset":…'),
});

function overSocket(path: string, headers: Record<string, string>, payload: string | undefined): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const sent = httpRequest({ ...base, method: "POST", path, headers: { ...headers, ...(payload !== undefined ? { "content-length": String(Buffer.byteLength(payload)) } : {}) } }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve(comparable(response.statusCode!, response.headers, Buffer.concat(chunks).toString("utf8"))));
    });
    sent.on("error", reject);
    sent.end(payload);
  });
}

async function byFastify(path: string, headers: Record<string, string>, payload: string | undefined): Promise<Exchange> {
  const response = await h.app.inject({ method: "POST", url: path, headers, ...(payload !== undefined ? { payload } : {}) });
  return comparable(response.statusCode, response.headers, response.body);
}

type Way = "lane" | "lane, then Fastify" | "Fastify";
interface Case {
  name: string;
  way: Way;
  status: number;
  body?: () => unknown;
  raw?: string;
  path?: string;
  headers?: () => Record<string, string>;
}

const json = { "content-type": "application/json" };
const root = () => ({ ...json, authorization: `Bearer ${h.rootKey}` });

const table: Case[] = [
  { name: "a valid key", way: "lane", status: 200, body: () => ({ key: inputs.key }) },
  { name: "a valid key of the API asked for, with a met permission query", way: "lane", status: 200, body: () => ({ key: inputs.key, apiId: inputs.apiId, permissions: "docs:read AND billing:read" }) },
  { name: "an unmet permission query", way: "lane", status: 200, body: () => ({ key: inputs.key, permissions: "docs:write" }) },
  { name: "another API", way: "lane", status: 200, body: () => ({ key: inputs.key, apiId: "api_0000000000000000000000" }) },
  { name: "a revoked key", way: "lane", status: 200, body: () => ({ key: inputs.revoked }) },
  { name: "a malformed key", way: "lane", status: 200, body: () => ({ key: "garbage" }) },
  { name: "a well-formed unknown key", way: "lane", status: 200, body: () => ({ key: `${inputs.key!.slice(0, -6)}AAAAAA` }) },
  { name: "a rate limit reported (cost 0)", way: "lane", status: 200, body: () => ({ key: inputs.limited, ratelimits: [{ name: "burst", cost: 0 }], cost: 0 }) },
  { name: "IP and origin given", way: "lane", status: 200, body: () => ({ key: inputs.key, ip: "203.0.113.9", origin: "https://example.com" }) },
  { name: "charset in the content type", way: "lane", status: 200, body: () => ({ key: inputs.key }), headers: () => ({ ...root(), "content-type": "Application/JSON; charset=utf-8" }) },
  { name: "a bad permission query", way: "lane", status: 400, body: () => ({ key: inputs.key, permissions: "docs:read AND (" }) },
  { name: "an unknown field", way: "lane", status: 400, body: () => ({ key: inputs.key, extra: 1 }) },
  { name: "a key that is not a string", way: "lane", status: 400, body: () => ({ key: 42 }) },
  { name: "no key", way: "lane", status: 400, body: () => ({ apiId: inputs.apiId }) },
  { name: "an array body", way: "lane", status: 400, raw: "[]" },
  { name: "a null body", way: "lane", status: 400, raw: "null" },
  { name: "a negative cost", way: "lane", status: 400, body: () => ({ key: inputs.key, cost: -1 }) },
  { name: "an overlong key", way: "lane", status: 400, body: () => ({ key: "k".repeat(5_000) }) },
  // The schema's dependentRequired is not enforced by the validator (draft-07 Ajv): both answer 200 alike.
  { name: "a limit without its duration", way: "lane", status: 400, body: () => ({ key: inputs.key, ratelimits: [{ name: "x", limit: 1 }] }) },
  { name: "an unknown root key", way: "lane", status: 401, body: () => ({ key: inputs.key }), headers: () => ({ ...json, authorization: `Bearer ${inputs.key}` }) },
  { name: "a root key without keys:verify", way: "lane", status: 403, body: () => ({ key: inputs.key }), headers: () => ({ ...json, authorization: `Bearer ${inputs.readOnlyRoot}` }) },
  { name: "an unknown root key and a bad body: auth answers first", way: "lane", status: 401, body: () => ({ nope: true }), headers: () => ({ ...json, authorization: "Bearer kwroot_live_nope" }) },
  { name: "no Authorization header", way: "lane, then Fastify", status: 401, body: () => ({ key: inputs.key }), headers: () => json },
  { name: "a Basic Authorization header", way: "lane, then Fastify", status: 401, body: () => ({ key: inputs.key }), headers: () => ({ ...json, authorization: "Basic dXNlcjpwYXNz" }) },
  { name: "broken JSON", way: "lane, then Fastify", status: 400, raw: '{"key": ' },
  { name: "a __proto__ key", way: "lane, then Fastify", status: 400, raw: '{"key":"x","__proto__":{"admin":true}}' },
  { name: "a byte-order mark (Fastify's parser strips it)", way: "lane, then Fastify", status: 400, raw: "\uFEFF{}" },
  { name: "text/plain", way: "Fastify", status: 415, body: () => ({ key: inputs.key }), headers: () => ({ ...root(), "content-type": "text/plain" }) },
  { name: "a query string", way: "Fastify", status: 200, path: "/v1/keys/verify?x=1", body: () => ({ key: inputs.key }) },
  { name: "an empty body", way: "Fastify", status: 400, raw: "" },
];

describe("POST /v1/keys/verify: the node:http lane answers as the Fastify route", () => {
  it.each(table)("$name ($way)", async (testCase) => {
    const path = testCase.path ?? "/v1/keys/verify";
    const headers = testCase.headers?.() ?? root();
    const payload = testCase.raw ?? JSON.stringify(testCase.body!());
    const injected = vi.spyOn(h.app, "inject");
    const before = fastifyRequests;
    const lane = await overSocket(path, headers, payload);
    const reached = fastifyRequests - before;
    const delegated = injected.mock.calls.length;
    injected.mockRestore();
    const fastify = await byFastify(path, headers, payload);
    expect(lane).toEqual(fastify);
    expect(lane.status).toBe(testCase.status);
    const way: Way = reached === 0 ? "lane" : delegated > 0 ? "lane, then Fastify" : "Fastify";
    expect(way).toBe(testCase.way);
  });

  it("leaves verify to Fastify while the logger is at debug, which logs every request", async () => {
    const logged = await createHarness({ logger: { level: "debug", stream: { write() {} } } });
    try {
      await logged.app.listen({ host: "127.0.0.1", port: 0 });
      const injected = vi.spyOn(logged.app, "inject");
      const port = (logged.app.server.address() as AddressInfo).port;
      const previous = base;
      base = { host: "127.0.0.1", port };
      try {
        const answer = await overSocket("/v1/keys/verify", { ...json, authorization: `Bearer ${logged.rootKey}` }, JSON.stringify({ key: "garbage" }));
        expect(answer.status).toBe(200);
        expect(JSON.parse(answer.body)).toMatchObject({ valid: false, code: "MALFORMED" });
      } finally {
        base = previous;
      }
      expect(injected).not.toHaveBeenCalled();
    } finally {
      await logged.close();
    }
  });
});
