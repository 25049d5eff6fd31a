// How the built CLI fails: 1 when the server refuses, 2 when it cannot do its job (setup, network,
// usage), and always a message a person can act on, even when the answer is not Keyward's JSON.
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import { startServer, type RunningServer } from "../../src/server/start.js";
import { ensureBuilt, freePort, killAll, makeTempDir, runCli } from "../e2e/support/keyward-process.js";

const tmp = makeTempDir("cli-errors");
let server: RunningServer | undefined;
let rootKey = "";
/** Stands in for a proxy or another service at KEYWARD_URL: answers `status` with an HTML page. */
let impostor: Server | undefined;
let impostorUrl = "";

beforeAll(async () => {
  await ensureBuilt();
  const config = loadConfig({ KEYWARD_DATABASE_URL: join(tmp.dir, "keyward.db"), KEYWARD_PORT: "0", KEYWARD_LOG_LEVEL: "silent" });
  server = await startServer(config, { announce: (text) => (rootKey = /kwroot_live_[0-9A-Za-z]+/.exec(text)?.[0] ?? "") });
  impostor = createServer((request, response) => {
    const status = request.url?.startsWith("/v1/apis") ? 200 : 502;
    response.writeHead(status, { "content-type": "text/html" }).end(`<html><body><h1>${status === 200 ? "Welcome" : "Bad Gateway"}</h1></body></html>`);
  });
  await new Promise<void>((resolve) => impostor!.listen(0, "127.0.0.1", resolve));
  impostorUrl = `http://127.0.0.1:${(impostor.address() as { port: number }).port}`;
}, 180_000);

afterAll(async () => {
  killAll();
  await server?.close();
  await new Promise((resolve) => (impostor ? impostor.close(resolve) : resolve(undefined)));
  tmp.remove();
});

const withServer = () => ({ KEYWARD_URL: server!.url, KEYWARD_ROOT_KEY: rootKey });

describe("exit code 2: the CLI cannot do its job", () => {
  it("without KEYWARD_ROOT_KEY", async () => {
    const result = await runCli(["apis", "list"], { KEYWARD_URL: server!.url });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("KEYWARD_ROOT_KEY is not set");
    expect(result.stdout).toBe("");
  });

  it("when the server is unreachable", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const result = await runCli(["keys", "list"], { KEYWARD_URL: url, KEYWARD_ROOT_KEY: rootKey });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`cannot reach Keyward at ${url}`);
    expect(result.stderr).not.toContain(rootKey);
  });

  it("when KEYWARD_URL is not a URL", async () => {
    const result = await runCli(["apis", "list"], { KEYWARD_URL: "localhost 8080", KEYWARD_ROOT_KEY: rootKey });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('KEYWARD_URL is not a URL: "localhost 8080"');
  });

  it("when KEYWARD_URL answers something that is not JSON", async () => {
    const result = await runCli(["apis", "list"], { KEYWARD_URL: impostorUrl, KEYWARD_ROOT_KEY: rootKey });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("did not answer with JSON: is KEYWARD_URL pointing at Keyward?");
  });

  it("when verify gets no key", async () => {
    const result = await runCli(["verify"], withServer(), "\n");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("no key given");
  });

  it.each([
    ["a missing required option", ["apis", "create", "--name", "x"], "required option '--prefix <prefix>' not specified"],
    ["an unknown command", ["kyes", "list"], "unknown command 'kyes'"],
    ["a value outside the choices", ["keys", "create", "--api", "api_x", "--env", "staging"], "Allowed choices are live, test"],
  ])("on %s", async (_label, args, message) => {
    const result = await runCli(args, withServer());
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});

describe("exit code 1: the server refused", () => {
  it("names the error code for an unknown API", async () => {
    const result = await runCli(["keys", "create", "--api", "api_0000000000000000000000"], withServer());
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^keyward: 404 API_NOT_FOUND: /);
    expect(result.stdout).toBe("");
  });

  it("lists the fields a validation error names", async () => {
    const result = await runCli(["apis", "create", "--name", "Bad", "--prefix", "Not A Prefix"], withServer());
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("400 VALIDATION_FAILED");
    expect(result.stderr).toContain("/body/prefix");
  });

  it("says so when the root key is refused", async () => {
    const result = await runCli(["apis", "list"], { KEYWARD_URL: server!.url, KEYWARD_ROOT_KEY: "kwroot_live_notarealkey" });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("401 UNAUTHORIZED");
  });

  it("shows the status and the start of a non-JSON error page, not a parser error", async () => {
    const result = await runCli(["keys", "get", "key_x"], { KEYWARD_URL: impostorUrl, KEYWARD_ROOT_KEY: rootKey });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("keyward: 502 Bad Gateway: <html><body><h1>Bad Gateway</h1></body></html>\n");
  });
});

describe("help and version exit 0", () => {
  it("--help names the environment and the exit codes", async () => {
    const result = await runCli(["--help"], {});
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("KEYWARD_ROOT_KEY");
    expect(result.stdout).toContain("Exit codes:");
  });

  it("serve --help lists every setting", async () => {
    const result = await runCli(["serve", "--help"], {});
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/KEYWARD_PORT\s+port, 8080/);
    expect(result.stdout).toContain("KEYWARD_ALLOW_INSECURE_BIND");
  });

  it("--version prints the package version", async () => {
    const result = await runCli(["--version"], {});
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
