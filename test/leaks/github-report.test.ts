// POST /v1/leaks/github end to end: GitHub's published sample as a known-answer test, then reports
// signed with a local P-256 key standing in for GitHub's — good, bad and missing signatures, the key
// revoked on the spot, audited as `key.leak` by `system`, and the token kept nowhere.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../support/harness.js";
import { call, expectProblem, fixtures, type Fixtures } from "../http/fixtures.js";
import { githubApp, githubSigner, VECTOR } from "./support.js";

let h: Harness;
let f: Fixtures;
let github: Awaited<ReturnType<typeof githubApp>>;
const signer = githubSigner();
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const URL_SEEN = "https://github.com/octo/app/blob/abc123/.env";

beforeAll(async () => {
  h = await createHarness();
  f = fixtures(h);
  github = await githubApp(h, signer.keys);
});
afterAll(async () => {
  await github?.app.close();
  await h?.close();
});

const report = (items: unknown[]) => JSON.stringify(items);
const sendSigned = (body: string) => github.post(body, signer.headers(body));
const verifyCode = async (key: string) => (await f.verify({ key })).code;
const leakEntries = async (keyId: string, rootKey = h.rootKey) => (await call(h, "GET", `/v1/audit?target=${keyId}&action=key.leak`, undefined, rootKey)).json.items as any[];

describe("GitHub's published sample (known answer)", () => {
  it("verifies, and labels the sample token a false positive", async () => {
    const reply = await github.post(VECTOR.request.body, { ...VECTOR.request.headers, "content-type": "application/json" });
    expect(reply.status, reply.text).toBe(200);
    expect(reply.json).toEqual([{ token_hash: sha256("some_token"), token_type: "some_type", label: "false_positive" }]);
  });

  it("is refused with one byte changed", async () => {
    const reply = await github.post(VECTOR.request.body.replace("some_token", "some_tokem"), { ...VECTOR.request.headers, "content-type": "application/json" });
    expectProblem(reply, 401, "LEAK_SIGNATURE_INVALID");
    // No bearer challenge: a root key would not help a signature that does not verify.
    expect(reply.headers["www-authenticate"]).toBeUndefined();
  });
});

describe("a report signed with a configured key", () => {
  it("revokes a live key at once, audits key.leak by system with the URL, and answers true_positive", async () => {
    const key = await f.key({ name: "leaky" });
    expect(await verifyCode(key.key)).toBe("VALID");
    const reply = await sendSigned(report([{ token: key.key, type: "keyward_api_key", url: URL_SEEN, source: "Commit" }]));
    expect(reply.status, reply.text).toBe(200);
    expect(reply.json).toEqual([{ token_hash: sha256(key.key), token_type: "keyward_api_key", label: "true_positive" }]);

    expect(await verifyCode(key.key)).toBe("REVOKED");
    const stored = (await call(h, "GET", `/v1/keys/${key.id}`)).json;
    expect(stored.revokedReason).toBe(`leaked: ${URL_SEEN} (GitHub secret scanning)`);
    const [entry, ...more] = await leakEntries(key.id);
    expect(more).toEqual([]);
    expect(entry).toMatchObject({
      actor: { type: "system" },
      action: "key.leak",
      target: { type: "key", id: key.id },
      before: { revokedAt: null, enabled: true },
      after: { revokedAt: stored.revokedAt, leak: { source: "github", url: URL_SEEN, tokenType: "keyward_api_key", githubSource: "commit" } },
    });
    expect(JSON.stringify(entry)).not.toContain(key.key);
  });

  it("does nothing the second time the same report comes", async () => {
    const key = await f.key();
    const body = report([{ token: key.key, type: "keyward_api_key", url: URL_SEEN }]);
    expect((await sendSigned(body)).status).toBe(200);
    const revokedAt = (await call(h, "GET", `/v1/keys/${key.id}`)).json.revokedAt;
    const again = await sendSigned(body);
    expect(again.json).toEqual([{ token_hash: sha256(key.key), token_type: "keyward_api_key", label: "true_positive" }]);
    expect((await call(h, "GET", `/v1/keys/${key.id}`)).json.revokedAt).toBe(revokedAt);
    expect(await leakEntries(key.id)).toHaveLength(1);
  });

  it("labels unknown tokens false positives and changes nothing for them, beside a real one", async () => {
    const key = await f.key();
    const unknown = `${key.key.slice(0, -8)}AAAAAAAA`;
    const before = (await call(h, "GET", "/v1/audit?limit=1")).json.items[0].id;
    const reply = await sendSigned(report([
      { token: unknown, type: "keyward_api_key", url: URL_SEEN },
      { token: "x", type: "keyward_api_key", url: URL_SEEN },
      { token: key.key, type: "keyward_api_key", url: URL_SEEN },
    ]));
    expect(reply.json.map((item: { label: string }) => item.label)).toEqual(["false_positive", "false_positive", "true_positive"]);
    expect(reply.json[1].token_hash).toBe(sha256("x"));
    const after = (await call(h, "GET", "/v1/audit?limit=2")).json.items;
    // One entry was written since the key's creation: the real key's.
    expect(after.map((entry: { action: string }) => entry.action)).toEqual(["key.leak", "key.create"]);
    expect(after[1].id).toBe(before);
  });

  it("disables the key instead where the API's policy says so", async () => {
    const key = await f.key();
    const workspaceId = (await call(h, "GET", "/v1/workspaces/current")).json.id;
    await h.ctx.store.apis.update(workspaceId, key.apiId, { policy: { onLeak: "disable" } }, new Date());
    expect(await verifyCode(key.key)).toBe("VALID");
    await sendSigned(report([{ token: key.key, type: "keyward_api_key", url: URL_SEEN }]));
    expect(await verifyCode(key.key)).toBe("DISABLED");
    expect((await call(h, "GET", `/v1/keys/${key.id}`)).json).toMatchObject({ enabled: false, revokedAt: null });
    expect((await leakEntries(key.id))[0]).toMatchObject({ before: { enabled: true }, after: { enabled: false, revokedAt: null } });
    await sendSigned(report([{ token: key.key, type: "keyward_api_key", url: URL_SEEN }]));
    expect(await leakEntries(key.id)).toHaveLength(1);
  });

  it("ends at once the grace of a secret a rotation retired, and leaves the new secret working", async () => {
    const key = await f.key();
    const rotated = (await call(h, "POST", `/v1/keys/${key.id}/rotate`, { gracePeriodSeconds: 3600 })).json;
    expect(await verifyCode(key.key)).toBe("VALID");
    const reply = await sendSigned(report([{ token: key.key, type: "keyward_api_key", url: URL_SEEN }]));
    expect(reply.json[0].label).toBe("true_positive");
    expect(await verifyCode(key.key)).toBe("EXPIRED");
    expect(await verifyCode(rotated.key)).toBe("VALID");
    const [entry] = await leakEntries(key.id);
    expect(entry.after).toMatchObject({ revokedAt: null, enabled: true, previousValidUntil: expect.any(String), leak: { source: "github" } });
    await sendSigned(report([{ token: key.key, type: "keyward_api_key", url: URL_SEEN }]));
    expect(await leakEntries(key.id)).toHaveLength(1);
  });

  it("acts in whichever workspace holds the key, and audits it there", async () => {
    const other = (await call(h, "POST", "/v1/workspaces", { name: `leaks ${Math.random()}` })).json;
    const otherKeys = fixtures(h, other.rootKey.key);
    const key = await otherKeys.key();
    await sendSigned(report([{ token: key.key, type: "keyward_api_key", url: URL_SEEN }]));
    expect((await otherKeys.verify({ key: key.key })).code).toBe("REVOKED");
    expect(await leakEntries(key.id, other.rootKey.key)).toHaveLength(1);
    expect(await leakEntries(key.id)).toHaveLength(0);
  });

  it("revokes a leaked root key", async () => {
    const root = await f.rootKey(["apis:read"]);
    expect((await call(h, "GET", "/v1/apis", undefined, root.key)).status).toBe(200);
    await sendSigned(report([{ token: root.key, type: "keyward_api_key", url: URL_SEEN }]));
    expectProblem(await call(h, "GET", "/v1/apis", undefined, root.key), 401, "UNAUTHORIZED");
  });
});

describe("a report that is not signed by a configured key", () => {
  it("is refused with 401 for a missing, unknown, mismatched or garbage signature, and changes nothing", async () => {
    const key = await f.key();
    const body = report([{ token: key.key, type: "keyward_api_key", url: URL_SEEN }]);
    const good = signer.headers(body);
    const otherSigner = githubSigner("another-key");
    const cases: Record<string, { body: string; headers: Record<string, string> }> = {
      "no signature headers": { body, headers: { "content-type": "application/json" } },
      "identifier only": { body, headers: { "content-type": "application/json", "github-public-key-identifier": signer.keyId } },
      "signature of another body": { body, headers: signer.headers(report([])) },
      "body re-serialised after signing": { body: JSON.stringify(JSON.parse(body), null, 2), headers: good },
      "key not in the keys file": { body, headers: otherSigner.headers(body) },
      "signed by another key under our identifier": { body, headers: { ...otherSigner.headers(body), "github-public-key-identifier": signer.keyId } },
      "GitHub's identifier with our signature": { body, headers: { ...good, "github-public-key-identifier": VECTOR.request.headers["Github-Public-Key-Identifier"]! } },
      "garbage signature": { body, headers: { ...good, "github-public-key-signature": "bm90IGEgc2lnbmF0dXJl" } },
    };
    for (const [label, request] of Object.entries(cases)) {
      const reply = await github.post(request.body, request.headers);
      expect(reply.status, label).toBe(401);
      expectProblem(reply, 401, "LEAK_SIGNATURE_INVALID");
    }
    expect(await verifyCode(key.key)).toBe("VALID");
    expect(await leakEntries(key.id)).toHaveLength(0);
  });

  it("is refused before its body is read: not JSON, another content type, no body at all", async () => {
    for (const [body, type] of [["not json", "application/json"], ["token=x", "application/x-www-form-urlencoded"], ["[]", "text/plain"]]) {
      expectProblem(await github.post(body!, { "content-type": type! }), 401, "LEAK_SIGNATURE_INVALID");
    }
    const empty = await github.app.inject({ method: "POST", url: "/v1/leaks/github" });
    expect(empty.statusCode).toBe(401);
  });
});

describe("a signed report that is not in GitHub's format", () => {
  it("is 400 and changes nothing", async () => {
    const key = await f.key();
    const bad: Record<string, string> = {
      "not JSON": `[{"token":"${key.key}"`,
      "an object, not an array": JSON.stringify({ token: key.key, type: "t", url: URL_SEEN }),
      "no type": report([{ token: key.key, url: URL_SEEN }]),
      "more than 1000 tokens": report(Array.from({ length: 1001 }, () => ({ token: key.key, type: "t", url: URL_SEEN }))),
    };
    for (const [label, body] of Object.entries(bad)) {
      const reply = await sendSigned(body);
      expect(reply.status, label).toBe(400);
      expect(reply.text, label).not.toContain(key.key);
    }
    expect(await verifyCode(key.key)).toBe("VALID");
  });

  it("ignores fields GitHub may add later, and takes a report without source", async () => {
    const key = await f.key();
    const reply = await sendSigned(report([{ token: key.key, type: "keyward_api_key", url: URL_SEEN, future_field: 1 }]));
    expect(reply.json[0].label).toBe("true_positive");
    expect((await leakEntries(key.id))[0].after.leak.githubSource).toBeNull();
  });
});

describe("an install without KEYWARD_GITHUB_SCANNING_KEYS", () => {
  it("refuses every report with 503 LEAK_REPORTING_NOT_CONFIGURED", async () => {
    const unconfigured = await githubApp(h, null);
    try {
      const reply = await unconfigured.post(VECTOR.request.body, { ...VECTOR.request.headers, "content-type": "application/json" });
      expectProblem(reply, 503, "LEAK_REPORTING_NOT_CONFIGURED");
      expect(reply.json.detail).toContain("KEYWARD_GITHUB_SCANNING_KEYS");
    } finally {
      await unconfigured.app.close();
    }
  });
});

describe("secrets", () => {
  it("keeps no reported token in the database files or the log, and counts outcomes in metrics", async () => {
    const key = await f.key();
    const unknown = `${key.key.slice(0, -8)}BBBBBBBB`;
    await sendSigned(report([{ token: key.key, type: "keyward_api_key", url: URL_SEEN }, { token: unknown, type: "keyward_api_key", url: URL_SEEN }]));
    const files = readdirSync(h.dir).map((name) => readFileSync(join(h.dir, name)).toString("latin1"));
    for (const text of [...files, github.lines.join("\n")]) {
      expect(text).not.toContain(key.key);
      expect(text).not.toContain(unknown);
    }
    expect(github.lines.some((line) => line.includes("leaked keys contained") && line.includes(key.id))).toBe(true);
    const metrics = (await github.app.inject({ method: "GET", url: "/metrics" })).body;
    expect(metrics).toMatch(/keyward_leak_findings_total\{channel="github",outcome="revoked"\} [1-9]/);
    expect(metrics).toMatch(/keyward_leak_findings_total\{channel="github",outcome="unknown"\} [1-9]/);
    expect(metrics).toMatch(/keyward_leak_reports_refused_total\{reason="bad_signature"\} [1-9]/);
    expect(metrics).toMatch(/keyward_leak_reports_refused_total\{reason="missing"\} [1-9]/);
  });
});
