// Remote mode and imported keys: by default the gateway refuses a key that fails Keyward's format check
// without asking Keyward; with `importedKeys: true` a plausible legacy key is passed on and verified,
// while noise is still refused locally. Embedded mode asks the verifier, which knows the API's imports.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmbeddedChecker, createRemoteChecker, DEFAULT_ROUTE, type KeyChecker } from "../../src/gateway/index.js";
import { startKeyward, type TestKeyward } from "./support/gateway.js";

let k: TestKeyward;
let apiId: string;
const legacy = "sk_legacy_0123456789abcdefGHIJ";
const checkers: KeyChecker[] = [];

beforeAll(async () => {
  k = await startKeyward();
  apiId = (await k.f.api()).id;
  const imported = await k.h.call("POST", "/v1/keys/import", { apiId, rows: [{ key: legacy, name: "from the old system" }] });
  expect(imported.status).toBe(200);
});
afterAll(async () => {
  await Promise.all(checkers.map((checker) => checker.close()));
  await k?.close();
});

function remote(importedKeys: boolean) {
  const checker = createRemoteChecker({ url: k.url, rootKey: k.verifyKey, apiId, timeoutMs: 5_000, importedKeys });
  checkers.push(checker);
  return checker;
}
const check = (checker: KeyChecker, key: string) => checker.check(key, { route: DEFAULT_ROUTE, ip: "127.0.0.1" });

describe("imported keys through the gateway", () => {
  it("refuses a legacy key in remote mode unless importedKeys is set", async () => {
    expect(await check(remote(false), legacy)).toMatchObject({ code: "MALFORMED", keyId: null });
    expect(await check(remote(true), legacy)).toMatchObject({ code: "VALID", keyId: expect.stringMatching(/^key_/) });
  });

  it("still refuses noise locally with importedKeys set, and verifies it the same in embedded mode", async () => {
    expect(await check(remote(true), "short")).toMatchObject({ code: "MALFORMED" });
    const embedded = createEmbeddedChecker({ ctx: k.h.ctx, apiId, workspaceId: null });
    checkers.push(embedded);
    expect(await check(embedded, legacy)).toMatchObject({ code: "VALID" });
  });
});
