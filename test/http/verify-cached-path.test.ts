// A cached key is verified without a promise (Verifier.verifyCached) and its one auto-apply limit counted on
// a bucket held in its cache entry (MemoryLimiter.admitHeld); the root key of every call is read and hashed
// once per Authorization header. What a caller sees must not change: over a real socket (the fast lane),
// limits stay exact across refusals, credits still count down (that path awaits the ledger), usage adds up,
// and a revoked key or root key is refused on the very next call.
import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../support/harness.js";
import { call, fixtures, type Fixtures } from "./fixtures.js";

let h: Harness;
let f: Fixtures;
let apiId: string;
let port: number;

beforeAll(async () => {
  h = await createHarness();
  await h.app.listen({ host: "127.0.0.1", port: 0 });
  port = (h.app.server.address() as AddressInfo).port;
  f = fixtures(h);
  apiId = (await f.api()).id;
});
afterAll(() => h?.close());

interface Answer {
  status: number;
  body: { code: string; valid: boolean; ratelimits: { name: string; remaining: number; allowed: boolean; retryAfterMs: number | null }[]; credits: { remaining: number } | null };
}

function verify(body: Record<string, unknown>, rootKey: string = h.rootKey): Promise<Answer> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const sent = httpRequest(
      { host: "127.0.0.1", port, method: "POST", path: "/v1/keys/verify", headers: { authorization: `Bearer ${rootKey}`, "content-type": "application/json", "content-length": String(Buffer.byteLength(payload)) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => resolve({ status: response.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) }));
      },
    );
    sent.on("error", reject);
    sent.end(payload);
  });
}

describe("verifying cached keys", () => {
  it("keeps an auto-applied limit exact across admissions and refusals, per key", async () => {
    const limited = await f.key({ apiId, ratelimits: [{ name: "burst", limit: 3, durationMs: 60_000, autoApply: true }] });
    const other = await f.key({ apiId, ratelimits: [{ name: "burst", limit: 2, durationMs: 60_000, autoApply: true }] });
    const seen: [string, number, boolean][] = [];
    for (let call = 0; call < 6; call++) {
      const answer = await verify({ key: limited.key });
      expect(answer.status).toBe(200);
      seen.push([answer.body.code, answer.body.ratelimits[0]!.remaining, answer.body.ratelimits[0]!.allowed]);
      if (call === 1) expect((await verify({ key: other.key })).body.ratelimits[0]!.remaining).toBe(1);
    }
    expect(seen).toEqual([
      ["VALID", 2, true],
      ["VALID", 1, true],
      ["VALID", 0, true],
      ["RATE_LIMITED", 0, false],
      ["RATE_LIMITED", 0, false],
      ["RATE_LIMITED", 0, false],
    ]);
    const refused = await verify({ key: limited.key });
    expect(refused.body.ratelimits[0]!.retryAfterMs).toBeGreaterThan(0);
    expect(refused.body.ratelimits[0]!.retryAfterMs).toBeLessThanOrEqual(60_000);
    // The other key's bucket is its own: one used, one left.
    expect((await verify({ key: other.key })).body.ratelimits[0]).toMatchObject({ remaining: 0, allowed: true });
    expect((await verify({ key: other.key })).body.code).toBe("RATE_LIMITED");
  });

  it("still spends credits on every call of a cached key", async () => {
    const paying = await f.key({ apiId, credits: { remaining: 2 } });
    const codes: [string, number | undefined][] = [];
    for (let call = 0; call < 4; call++) {
      const answer = await verify({ key: paying.key });
      codes.push([answer.body.code, answer.body.credits?.remaining]);
    }
    expect(codes).toEqual([
      ["VALID", 1],
      ["VALID", 0],
      ["USAGE_EXCEEDED", 0],
      ["USAGE_EXCEEDED", 0],
    ]);
  });

  it("counts every verification of a cached key as usage", async () => {
    const created = await f.key({ apiId });
    await h.ctx.usage.flush();
    for (let call = 0; call < 25; call++) expect((await verify({ key: created.key })).body.code).toBe("VALID");
    await h.ctx.usage.flush();
    expect((await call(h, "GET", `/v1/keys/${created.id}`)).json.verificationCount).toBe(25);
  });

  it("refuses a revoked key and a revoked root key on the next call", async () => {
    const created = await f.key({ apiId });
    const root = await f.rootKey(["keys:verify"]);
    for (let call = 0; call < 3; call++) expect((await verify({ key: created.key }, root.key)).body.code).toBe("VALID");
    await f.revoke(created.id);
    expect((await verify({ key: created.key }, root.key)).body.code).toBe("REVOKED");
    await f.revokeRootKey(root.id);
    const refused = await verify({ key: created.key }, root.key);
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe("UNAUTHORIZED");
  });
});
