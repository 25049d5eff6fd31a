// Rate limits on keys and identities as callers see them through POST /v1/keys/verify, and the
// standalone limiter POST /v1/ratelimit with its overrides.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../support/harness.js";
import { call, expectProblem, expectStatus, fixtures, unique, type Fixtures } from "./fixtures.js";

let h: Harness;
let f: Fixtures;

beforeAll(async () => {
  h = await createHarness();
  f = fixtures(h);
});
afterAll(() => h?.close());

const MINUTE = 60_000;
const burst = (limit: number, autoApply = true) => ({ name: "burst", limit, durationMs: MINUTE, autoApply });

async function codes(key: string, times: number, extra: Record<string, unknown> = {}): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < times; i++) out.push((await f.verify({ key, ...extra })).code);
  return out;
}

describe("rate limits on keys", () => {
  it("admits exactly the limit, then answers RATE_LIMITED with what is left and when it resets", async () => {
    const key = await f.key({ ratelimits: [burst(3)] });
    const first = await f.verify({ key: key.key });
    expect(first.ratelimits).toEqual([{ name: "burst", limit: 3, remaining: 2, reset: expect.any(Number), durationMs: MINUTE, allowed: true, retryAfterMs: null }]);
    expect(await codes(key.key, 3)).toEqual(["VALID", "VALID", "RATE_LIMITED"]);
    const refused = await f.verify({ key: key.key });
    expect(refused).toMatchObject({ valid: false, code: "RATE_LIMITED", keyId: key.id });
    expect((refused.ratelimits as any[])[0]).toMatchObject({ name: "burst", limit: 3, remaining: 0, durationMs: MINUTE, allowed: false, retryAfterMs: expect.any(Number) });
    expect((refused.ratelimits as any[])[0].reset).toBeGreaterThan(Date.now());
  });

  it("admits the full limit again once the window has passed", async () => {
    const key = await f.key({ ratelimits: [burst(2)] });
    const start = Date.now();
    h.setNow(new Date(start));
    expect(await codes(key.key, 3)).toEqual(["VALID", "VALID", "RATE_LIMITED"]);
    h.setNow(new Date(start + MINUTE + 1));
    expect(await codes(key.key, 3)).toEqual(["VALID", "VALID", "RATE_LIMITED"]);
    h.setNow(null);
  });

  it("applies a limit that is not auto-applied only when the request names it, at the named cost", async () => {
    const key = await f.key({ ratelimits: [{ name: "expensive", limit: 5, durationMs: MINUTE }] });
    expect(await codes(key.key, 6)).toEqual(Array(6).fill("VALID"));
    const named = { ratelimits: [{ name: "expensive", cost: 2 }] };
    expect(await codes(key.key, 3, named)).toEqual(["VALID", "VALID", "RATE_LIMITED"]);
    expect((await f.verify({ key: key.key, ratelimits: [{ name: "expensive", cost: 1 }] })).code).toBe("VALID");
  });

  it("ignores a named limit the key does not have, and applies an ad hoc one given with limit and durationMs", async () => {
    const key = await f.key();
    expect((await f.verify({ key: key.key, ratelimits: [{ name: "nope" }] })).ratelimits).toEqual([]);
    const adHoc = { ratelimits: [{ name: "adhoc", limit: 1, durationMs: MINUTE }] };
    expect(await codes(key.key, 2, adHoc)).toEqual(["VALID", "RATE_LIMITED"]);
  });

  it("is all-or-nothing: a request refused by one limit consumes from none", async () => {
    const key = await f.key({ ratelimits: [burst(10), { name: "tight", limit: 1, durationMs: MINUTE, autoApply: false }] });
    expect((await f.verify({ key: key.key, ratelimits: [{ name: "tight" }] })).code).toBe("VALID");
    for (let i = 0; i < 3; i++) expect((await f.verify({ key: key.key, ratelimits: [{ name: "tight" }] })).code).toBe("RATE_LIMITED");
    const probe = await f.verify({ key: key.key, ratelimits: [{ name: "burst", cost: 0 }] });
    expect((probe.ratelimits as any[]).find((limit) => limit.name === "burst").remaining).toBe(9);
  });

  it("shares an identity's limits across its keys, and a key's own limit of the same name wins", async () => {
    const identity = await f.identity({ ratelimits: [burst(4)] });
    const apiId = (await f.api()).id;
    const a = await f.key({ apiId, identityId: identity.id });
    const b = await f.key({ apiId, identityId: identity.id });
    const all = [...(await codes(a.key, 2)), ...(await codes(b.key, 2)), ...(await codes(a.key, 1)), ...(await codes(b.key, 1))];
    expect(all).toEqual(["VALID", "VALID", "VALID", "VALID", "RATE_LIMITED", "RATE_LIMITED"]);
    const own = await f.key({ apiId, identityId: identity.id, ratelimits: [burst(1)] });
    expect(await codes(own.key, 2)).toEqual(["VALID", "RATE_LIMITED"]);
  });

  it("sees a PATCHed limit on the next verification", async () => {
    const key = await f.key({ ratelimits: [burst(1)] });
    expect(await codes(key.key, 2)).toEqual(["VALID", "RATE_LIMITED"]);
    expectStatus(await call(h, "PATCH", `/v1/keys/${key.id}`, { ratelimits: [] }), 200);
    expect(await codes(key.key, 2)).toEqual(["VALID", "VALID"]);
  });

  it("shows every limit on GET /v1/keys/{id} and refuses duplicate names", async () => {
    const key = await f.key({ ratelimits: [burst(3), { name: "daily", limit: 1000, durationMs: 86_400_000 }] });
    const got = await call(h, "GET", `/v1/keys/${key.id}`);
    expect(got.json.ratelimits).toEqual([burst(3), { name: "daily", limit: 1000, durationMs: 86_400_000, autoApply: false }]);
    const apiId = key.apiId;
    expectProblem(await call(h, "POST", "/v1/keys", { apiId, ratelimits: [burst(1), burst(2)] }), 400, "DUPLICATE_RATELIMIT");
  });
});

describe("the standalone limiter", () => {
  const ask = (identifier: string, body: Record<string, unknown> = {}) =>
    call(h, "POST", "/v1/ratelimit", { namespace: "login", identifier, limit: 3, durationMs: MINUTE, ...body });

  it("admits `limit` per window per identifier, then says when to retry", async () => {
    const id = `user-${unique()}`;
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push((await ask(id)).json);
    expect(answers.map((a) => a.success)).toEqual([true, true, true, false]);
    expect(answers.map((a) => a.remaining)).toEqual([2, 1, 0, 0]);
    expect(answers[3].retryAfterMs).toBeGreaterThan(0);
    expect(answers[3].retryAfterMs).toBeLessThanOrEqual(MINUTE);
    expect((await ask(`user-${unique()}`)).json.success).toBe(true);
  });

  it("lets an override replace the limit for one identifier", async () => {
    const id = `vip-${unique()}`;
    expectStatus(await call(h, "PUT", "/v1/ratelimit/overrides", { namespace: "login", identifier: id, limit: 1, durationMs: MINUTE }), 200);
    const first = await ask(id);
    expect(first.json).toMatchObject({ success: true, limit: 1, overridden: true });
    expect((await ask(id)).json.success).toBe(false);
    const list = await call(h, "GET", "/v1/ratelimit/overrides?namespace=login");
    expect(list.json.items.map((o: any) => o.identifier)).toContain(id);
    expectStatus(await call(h, "DELETE", `/v1/ratelimit/overrides?namespace=login&identifier=${id}`), 200);
    expectProblem(await call(h, "DELETE", `/v1/ratelimit/overrides?namespace=login&identifier=${id}`), 404, "OVERRIDE_NOT_FOUND");
    expect((await ask(id)).json).toMatchObject({ limit: 3, overridden: false });
  });

  it("keeps workspaces apart: the same namespace and identifier are different buckets", async () => {
    const other = await call(h, "POST", "/v1/workspaces", { name: `other ${unique()}` });
    const id = `shared-${unique()}`;
    for (let i = 0; i < 3; i++) await ask(id);
    expect((await ask(id)).json.success).toBe(false);
    const theirs = await call(h, "POST", "/v1/ratelimit", { namespace: "login", identifier: id, limit: 3, durationMs: MINUTE }, other.json.rootKey.key);
    expect(theirs.json.success).toBe(true);
  });
});
