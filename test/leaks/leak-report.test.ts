// POST /v1/leaks (Keyward's own format, e.g. `keyward scan --report`): a root key with `leaks:report`
// has the live keys of its own workspace revoked or disabled at once; another tenant's keys are
// "unknown" to it; each finding's answer names the key, never the token.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../support/harness.js";
import { call, expectProblem, expectStatus, fixtures, type Fixtures } from "../http/fixtures.js";

let h: Harness;
let f: Fixtures;
let reporter: string;

beforeAll(async () => {
  h = await createHarness();
  f = fixtures(h);
  reporter = (await f.rootKey(["leaks:report"])).key;
});
afterAll(() => h?.close());

const leaks = (findings: unknown[], rootKey = reporter) => call(h, "POST", "/v1/leaks", { findings }, rootKey);
const verifyCode = async (key: string) => (await f.verify({ key })).code;
const leakEntries = async (keyId: string) => (await call(h, "GET", `/v1/audit?target=${keyId}&action=key.leak`)).json.items as any[];

describe("POST /v1/leaks", () => {
  it("revokes a live key at once and audits key.leak by the reporting root key, with where it was found", async () => {
    const key = await f.key();
    expect(await verifyCode(key.key)).toBe("VALID");
    const source = { path: "config/.env", line: 3, commit: "a".repeat(40), url: "https://git.example.com/app" };
    const reply = await leaks([{ key: key.key, source }]);
    expectStatus(reply, 200);
    expect(reply.json).toEqual({ results: [{ outcome: "revoked", keyId: key.id, start: key.start }] });
    expect(reply.text).not.toContain(key.key);
    expect(await verifyCode(key.key)).toBe("REVOKED");
    expect((await call(h, "GET", `/v1/keys/${key.id}`)).json.revokedReason).toBe("leaked: https://git.example.com/app");
    const [entry] = await leakEntries(key.id);
    const reporterId = (await call(h, "GET", "/v1/root-keys")).json.items.find((item: { permissions: string[] }) => item.permissions.join() === "leaks:report").id;
    expect(entry).toMatchObject({ actor: { type: "root_key", id: reporterId }, after: { leak: { source: "report", ...source } } });
  });

  it("answers each finding in order: already revoked, unknown, malformed, and a key named twice", async () => {
    const [live, revoked] = [await f.key(), await f.key()];
    await f.revoke(revoked.id);
    const reply = await leaks([
      { key: live.key, source: { path: "a.txt", line: 1 } },
      { key: revoked.key },
      { key: `${live.key.slice(0, -6)}AAAAAA` },
      { key: "short" },
      { key: live.key },
    ]);
    expect(reply.json.results).toEqual([
      { outcome: "revoked", keyId: live.id, start: live.start },
      { outcome: "already_revoked", keyId: revoked.id, start: revoked.start },
      { outcome: "unknown", keyId: null, start: null },
      { outcome: "unknown", keyId: null, start: null },
      { outcome: "already_revoked", keyId: live.id, start: live.start },
    ]);
    expect((await call(h, "GET", `/v1/keys/${live.id}`)).json.revokedReason).toBe("leaked: a.txt:1");
    expect(await leakEntries(live.id)).toHaveLength(1);
    expect(await leakEntries(revoked.id)).toHaveLength(0);
  });

  it("does nothing the second time the same report comes", async () => {
    const key = await f.key();
    const first = await leaks([{ key: key.key }]);
    const second = await leaks([{ key: key.key }]);
    expect([first.json.results[0].outcome, second.json.results[0].outcome]).toEqual(["revoked", "already_revoked"]);
    expect(await leakEntries(key.id)).toHaveLength(1);
  });

  it("disables by the API's policy, and ends a retired secret's grace", async () => {
    const workspaceId = (await call(h, "GET", "/v1/workspaces/current")).json.id;
    const disabled = await f.key();
    await h.ctx.store.apis.update(workspaceId, disabled.apiId, { policy: { onLeak: "disable" } }, new Date());
    const rotatedAway = await f.key();
    const rotated = (await call(h, "POST", `/v1/keys/${rotatedAway.id}/rotate`, { gracePeriodSeconds: 600 })).json;
    const reply = await leaks([{ key: disabled.key }, { key: rotatedAway.key }, { key: disabled.key }, { key: rotatedAway.key }]);
    expect(reply.json.results.map((result: { outcome: string }) => result.outcome)).toEqual(["disabled", "grace_ended", "already_disabled", "already_expired"]);
    // The retired secret's own start, not the current secret's.
    expect(reply.json.results[1]).toMatchObject({ keyId: rotatedAway.id, start: rotatedAway.start });
    expect(await verifyCode(disabled.key)).toBe("DISABLED");
    expect(await verifyCode(rotatedAway.key)).toBe("EXPIRED");
    expect(await verifyCode(rotated.key)).toBe("VALID");
  });

  it("treats another workspace's keys as unknown and leaves them alone", async () => {
    const other = (await call(h, "POST", "/v1/workspaces", { name: "other tenant" })).json;
    const otherKey = await fixtures(h, other.rootKey.key).key();
    const reply = await leaks([{ key: otherKey.key }]);
    expect(reply.json.results).toEqual([{ outcome: "unknown", keyId: null, start: null }]);
    expect((await fixtures(h, other.rootKey.key).verify({ key: otherKey.key })).code).toBe("VALID");
    // Its own root key can report it.
    expect((await leaks([{ key: otherKey.key }], other.rootKey.key)).json.results[0].outcome).toBe("revoked");
  });

  it("refuses bad input with a problem, and changes nothing", async () => {
    const key = await f.key();
    const bad: unknown[] = [
      {},
      { findings: [] },
      { findings: [{ key: key.key, extra: 1 }] },
      { findings: [{ key: key.key, source: { line: 0 } }] },
      { findings: [{ key: key.key, source: { commit: "not a sha" } }] },
      { findings: [{ key: "k".repeat(513) }] },
      { findings: Array.from({ length: 1001 }, () => ({ key: key.key })) },
    ];
    for (const body of bad) {
      const reply = await call(h, "POST", "/v1/leaks", body, reporter);
      expectProblem(reply, 400, "VALIDATION_FAILED");
      expect(reply.text).not.toContain(key.key);
    }
    expect(await verifyCode(key.key)).toBe("VALID");
  });
});
