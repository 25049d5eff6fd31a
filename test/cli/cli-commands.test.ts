// The built CLI (`node bin/keyward.js …`) against a real listening server: tables for people,
// --json for scripts, keys shown once, verify from argv and from stdin, exit codes.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import { startServer, type RunningServer } from "../../src/server/start.js";
import { ensureBuilt, killAll, makeTempDir, runCli } from "../e2e/support/keyward-process.js";

const tmp = makeTempDir("cli");
let server: RunningServer | undefined;
let env: Record<string, string> = {};
const cli = (args: string[], input?: string) => runCli(args, env, input);
const json = (stdout: string) => JSON.parse(stdout) as Record<string, any>;

beforeAll(async () => {
  await ensureBuilt();
  let rootKey = "";
  const config = loadConfig({ KEYWARD_DATABASE_URL: join(tmp.dir, "keyward.db"), KEYWARD_PORT: "0", KEYWARD_LOG_LEVEL: "silent" });
  server = await startServer(config, { announce: (text) => (rootKey = /kwroot_live_[0-9A-Za-z]+/.exec(text)?.[0] ?? "") });
  expect(rootKey).not.toBe("");
  env = { KEYWARD_URL: server.url, KEYWARD_ROOT_KEY: rootKey };
}, 180_000);

afterAll(async () => {
  killAll();
  await server?.close();
  tmp.remove();
});

describe("keyward apis", () => {
  let acme = "";
  let beta = "";

  it("create prints the new API", async () => {
    const result = await cli(["apis", "create", "--name", "Acme public API", "--prefix", "acme"]);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    acme = /^id\s+(api_\w+)$/m.exec(result.stdout)?.[1] ?? "";
    expect(acme).toMatch(/^api_/);
    expect(result.stdout).toMatch(/^prefix\s+acme$/m);
    expect(result.stdout).toMatch(/^name\s+Acme public API$/m);
  });

  it("create --json prints the API as JSON", async () => {
    const result = await cli(["apis", "create", "--name", "Beta", "--prefix", "beta", "--json"]);
    expect(result.code).toBe(0);
    expect(json(result.stdout)).toMatchObject({ name: "Beta", prefix: "beta", id: expect.stringMatching(/^api_/) });
    beta = json(result.stdout).id;
  });

  it("list prints a table with a header", async () => {
    const result = await cli(["apis", "list"]);
    expect(result.code).toBe(0);
    const [header, ...rows] = result.stdout.trimEnd().split("\n");
    expect(header).toMatch(/^ID\s+NAME\s+PREFIX\s+CREATED AT$/);
    expect(rows).toHaveLength(2);
    expect(rows.find((row) => row.startsWith(acme))).toMatch(/Acme public API\s+acme\s+\d{4}-\d\d-\d\dT/);
  });

  it("list --json prints the page", async () => {
    const page = json((await cli(["apis", "list", "--json"])).stdout);
    expect(page.items.map((api: { id: string }) => api.id).sort()).toEqual([acme, beta].sort());
    expect(page.nextCursor).toBeNull();
  });

  it("list --limit pages, and says how to continue", async () => {
    const first = await cli(["apis", "list", "--limit", "1"]);
    expect(first.stdout.trimEnd().split("\n")).toHaveLength(2);
    const cursor = /--cursor ([\w-]+)$/m.exec(first.stderr)?.[1];
    expect(cursor).toBeDefined();
    const second = json((await cli(["apis", "list", "--limit", "1", "--cursor", cursor!, "--json"])).stdout);
    expect(second.items).toHaveLength(1);
    expect(first.stdout).not.toContain(second.items[0].id);
  });
});

describe("keyward keys and verify", () => {
  let apiId = "";
  const key = { id: "", secret: "" };
  const other = { id: "", secret: "" };

  beforeAll(async () => {
    apiId = json((await cli(["apis", "create", "--name", "Docs", "--prefix", "docs", "--json"])).stdout).id;
  });

  it("keys create --json prints the key", async () => {
    const result = await cli(["keys", "create", "--api", apiId, "--name", "ci", "--permission", "documents:read", "documents:list", "--json"]);
    expect(result.code).toBe(0);
    const created = json(result.stdout);
    expect(created).toMatchObject({ apiId, name: "ci", permissions: ["documents:read", "documents:list"] });
    expect(created.key).toMatch(/^docs_live_[0-9A-Za-z]+$/);
    Object.assign(key, { id: created.id, secret: created.key });
  });

  it("keys create for people prints the key once, with a warning", async () => {
    const result = await cli(["keys", "create", "--api", apiId, "--name", "laptop", "--env", "test", "--external-id", "customer_42"]);
    expect(result.code).toBe(0);
    const secrets = result.stdout.match(/docs_test_[0-9A-Za-z]+/g) ?? [];
    expect(secrets).toHaveLength(1);
    expect(result.stdout).toMatch(/^id\s+key_\w+$/m);
    expect(result.stdout).toContain("it will not be shown again");
    Object.assign(other, { id: /^id\s+(key_\w+)$/m.exec(result.stdout)![1], secret: secrets[0] });
  });

  it("keys list shows both keys, never their secrets", async () => {
    const result = await cli(["keys", "list", "--api", apiId]);
    expect(result.code).toBe(0);
    const [header, ...rows] = result.stdout.trimEnd().split("\n");
    expect(header).toMatch(/^ID\s+START\s+NAME\s+ENVIRONMENT\s+ENABLED\s+EXPIRES AT\s+LAST USED AT\s+REVOKED AT$/);
    expect(rows.map((row) => row.split(/\s+/)[0]).sort()).toEqual([key.id, other.id].sort());
    expect(result.stdout).not.toContain(key.secret);
    expect(result.stdout).not.toContain(other.secret);
    expect(json((await cli(["keys", "list", "--api", apiId, "--json"])).stdout).items).toHaveLength(2);
  });

  it("keys get shows one key", async () => {
    const result = await cli(["keys", "get", key.id]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^id\\s+${key.id}$`, "m"));
    expect(result.stdout).toMatch(/^permissions\s+\["documents:read","documents:list"\]$/m);
    expect(json((await cli(["keys", "get", other.id, "--json"])).stdout)).toMatchObject({ id: other.id, environment: "test" });
  });

  it("verify <key> says valid and exits 0", async () => {
    const result = await cli(["verify", key.secret, "--api", apiId, "--permissions", "documents:read AND documents:list"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^valid\s+true$/m);
    expect(result.stdout).toMatch(/^code\s+VALID$/m);
    expect(result.stdout).toMatch(new RegExp(`^keyId\\s+${key.id}$`, "m"));
  });

  it("verify - and verify without a key read the key from stdin", async () => {
    const dash = await cli(["verify", "-", "--json"], `${key.secret}\n`);
    expect(dash.code).toBe(0);
    expect(json(dash.stdout)).toMatchObject({ valid: true, code: "VALID", keyId: key.id });
    const bare = await cli(["verify", "--json"], other.secret);
    expect(bare.code).toBe(0);
    expect(json(bare.stdout)).toMatchObject({ valid: true, keyId: other.id, identity: { externalId: "customer_42" } });
  });

  it("verify exits 1 when the key is not valid", async () => {
    const denied = await cli(["verify", "--permissions", "documents:write", "--json"], key.secret);
    expect(denied.code).toBe(1);
    expect(json(denied.stdout)).toMatchObject({ valid: false, code: "INSUFFICIENT_PERMISSIONS" });
    const mistyped = await cli(["verify", "--json"], key.secret.slice(0, -1) + (key.secret.endsWith("a") ? "b" : "a"));
    expect(mistyped.code).toBe(1);
    expect(json(mistyped.stdout)).toMatchObject({ valid: false, code: "MALFORMED" });
  });

  it("keys revoke --reason revokes, and verify then says REVOKED", async () => {
    const revoked = await cli(["keys", "revoke", key.id, "--reason", "laptop stolen"]);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toMatch(/^revokedReason\s+laptop stolen$/m);
    expect(revoked.stdout).toMatch(/^revokedAt\s+\d{4}-/m);

    const result = await cli(["verify"], key.secret);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^valid\s+false$/m);
    expect(result.stdout).toMatch(/^code\s+REVOKED$/m);
    // The other key is untouched.
    expect((await cli(["verify"], other.secret)).code).toBe(0);
  });
});
