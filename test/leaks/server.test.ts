// The leak-report endpoints on a real server process, as operators run it: KEYWARD_GITHUB_SCANNING_KEYS
// read at start (a file that cannot be used stops the start), GitHub reports over a socket, and
// `keyward scan --git --report` revoking the keys it found in a repository's history.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, freePort, makeTempDir, ROOT_KEY, spawnKeyward, type KeywardProcess } from "../e2e/support/keyward-process.js";
import { commitAll, expectNoKey, keyward, makeRepo, removeTempDirs, write } from "../scan/support.js";
import { githubSigner } from "./support.js";

const temp = makeTempDir("leaks-server");
const signer = githubSigner();
let server: KeywardProcess;
let url = "";
let rootKey = "";

async function api(method: string, path: string, body?: unknown, key = rootKey) {
  const response = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { "content-type": "application/json" } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, json: (await response.json()) as any };
}
const verifyCode = async (key: string) => (await api("POST", "/v1/keys/verify", { key })).json.code as string;

beforeAll(async () => {
  await ensureBuilt();
  const keysFile = join(temp.dir, "github-keys.json");
  writeFileSync(keysFile, signer.keysFile);
  server = spawnKeyward(
    { KEYWARD_PORT: String(await freePort()), KEYWARD_DATABASE_URL: join(temp.dir, "keyward.db"), KEYWARD_GITHUB_SCANNING_KEYS: keysFile },
    { cwd: temp.dir },
  );
  url = await server.listening();
  rootKey = server.stdout().match(ROOT_KEY)![0];
}, 180_000);

afterAll(async () => {
  await server?.stop();
  temp.remove();
  removeTempDirs();
});

describe("a server with KEYWARD_GITHUB_SCANNING_KEYS", () => {
  it("says so at start", () => {
    expect(server.stdout()).toMatch(/"githubLeakReports":"3 key\(s\)"/);
  });

  it("revokes a key GitHub reports with a good signature, and refuses a bad one", async () => {
    const apiId = (await api("POST", "/v1/apis", { name: "gh", prefix: "gh" })).json.id;
    const [refused, leaked] = [(await api("POST", "/v1/keys", { apiId })).json, (await api("POST", "/v1/keys", { apiId })).json];
    const body = (token: string) => JSON.stringify([{ token, type: "keyward_api_key", url: "https://github.com/o/r/blob/1/a", source: "content" }]);

    const forged = await fetch(`${url}/v1/leaks/github`, { method: "POST", headers: signer.headers(body(leaked.key)), body: body(refused.key) });
    expect(forged.status).toBe(401);
    expect(await verifyCode(refused.key)).toBe("VALID");

    const reply = await fetch(`${url}/v1/leaks/github`, { method: "POST", headers: signer.headers(body(leaked.key)), body: body(leaked.key) });
    expect(reply.status).toBe(200);
    expect(((await reply.json()) as any)[0].label).toBe("true_positive");
    expect(await verifyCode(leaked.key)).toBe("REVOKED");
  });

  it("revokes what `keyward scan --git --report` finds, and prints no key", async () => {
    const apiId = (await api("POST", "/v1/apis", { name: "scan", prefix: "scn" })).json.id;
    const [buried, current] = [(await api("POST", "/v1/keys", { apiId })).json, (await api("POST", "/v1/keys", { apiId })).json];
    const reporter = (await api("POST", "/v1/root-keys", { name: "ci scanner", permissions: ["leaks:report"] })).json.key;
    const repo = makeRepo("leaks-report");
    write(repo, { "old.env": `K=${buried.key}\n` });
    commitAll(repo, "old");
    write(repo, { "old.env": "K=\n", "src/now.ts": `const k = "${current.key}";\n` });
    commitAll(repo, "now");

    const result = await keyward(["scan", "--git", "--report"], { cwd: repo, env: { KEYWARD_URL: url, KEYWARD_ROOT_KEY: reporter } });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain("reported 2 finding(s) to Keyward for revocation: 2 revoked");
    expectNoKey(result.stdout + result.stderr, [buried.key, current.key, reporter]);
    expect(await verifyCode(buried.key)).toBe("REVOKED");
    expect(await verifyCode(current.key)).toBe("REVOKED");
    expect((await api("GET", `/v1/keys/${buried.id}`)).json.revokedReason).toBe("leaked: old.env:1");

    const again = await keyward(["scan", "--git", "--report"], { cwd: repo, env: { KEYWARD_URL: url, KEYWARD_ROOT_KEY: reporter } });
    expect(again.stderr).toContain("2 already revoked");
  });
});

describe("a keys file that cannot be used", () => {
  it("stops the start with a message naming it", async () => {
    const bad = join(temp.dir, "bad-keys.json");
    writeFileSync(bad, JSON.stringify({ public_keys: [{ key_identifier: "x", key: "not a key" }] }));
    for (const [file, message] of [[bad, /bad-keys\.json: public_keys\[0\] \(x\) is not a PEM public key/], [join(temp.dir, "missing.json"), /KEYWARD_GITHUB_SCANNING_KEYS names .*missing\.json, which cannot be read/]] as const) {
      const failing = spawnKeyward(
        { KEYWARD_PORT: String(await freePort()), KEYWARD_DATABASE_URL: join(temp.dir, "other.db"), KEYWARD_GITHUB_SCANNING_KEYS: file },
        { cwd: temp.dir },
      );
      const exit = await failing.exited;
      expect(exit.code).not.toBe(0);
      expect(failing.stderr()).toMatch(message);
    }
  }, 30_000);
});
