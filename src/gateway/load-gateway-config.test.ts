import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError } from "../config/index.js";
import { loadGatewayConfig } from "./load-gateway-config.js";

const dir = mkdtempSync(join(tmpdir(), "keyward-gateway-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function yamlFile(text: string): string {
  const path = join(dir, `${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(path, text);
  return path;
}

function problemsOf(...args: Parameters<typeof loadGatewayConfig>): string[] {
  try {
    loadGatewayConfig(...args);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("the configuration was accepted");
}

describe("gateway configuration", () => {
  it("takes flags alone, with the documented defaults", () => {
    const { config, routes, keyHeaders, upstream } = loadGatewayConfig({ upstream: "http://127.0.0.1:3000", api: "api_1" });
    expect(config).toMatchObject({ host: "127.0.0.1", port: 8081, stripKey: true, upstreamTimeoutMs: 30_000, realm: "api", trustProxy: false, auth: true, healthPath: "/healthz" });
    expect(config.keyQueryParam).toBeUndefined();
    expect(keyHeaders.map((rule) => `${rule.header} ${rule.scheme}`)).toEqual(["authorization bearer", "authorization apikey", "x-api-key null"]);
    expect(routes).toEqual([]);
    expect(upstream.origin).toBe("http://127.0.0.1:3000");
  });

  it("reads routes and options from YAML, and flags win over the file", () => {
    const file = yamlFile(`
upstream: http://127.0.0.1:3000/base
api: api_file
port: 9000
keyQueryParam: api_key
upstreamTimeoutMs: 500
routes:
  - { method: GET, path: /v1/documents/:id, permissions: docs:read, ratelimits: [{ name: reads, cost: 2 }], cost: 3 }
  - { method: [POST, PUT], path: /v1/documents/:id, permissions: "docs:write OR admin:*" }
  - { path: /health, public: true }
`);
    const { config, routes } = loadGatewayConfig({ port: "9100" }, file);
    expect(config).toMatchObject({ api: "api_file", port: 9100, keyQueryParam: "api_key", upstreamTimeoutMs: 500 });
    expect(routes.map((route) => [route.pattern, route.permissions?.text, route.cost, route.public])).toEqual([
      ["/v1/documents/:id", "docs:read", 3, false],
      ["/v1/documents/:id", "docs:write OR admin:*", undefined, false],
      ["/health", undefined, undefined, true],
    ]);
    expect(routes[0]!.ratelimits).toEqual([{ name: "reads", cost: 2 }]);
  });

  it("names the bad field of the file, or the flag, in every problem", () => {
    const file = yamlFile(`
upstream: ftp://x
api: api_1
routez: []
routes:
  - { method: FETCH, path: /a }
  - { path: /b/*/c }
  - { path: /c, permissions: "docs:read AND (" }
  - { path: /d, ratelimits: [{ name: burst, limit: 5 }] }
keyHeaders: ["X API Key"]
`);
    const problems = problemsOf({ port: "80.5" }, file);
    expect(problems).toEqual(expect.arrayContaining([
      `--port must be a whole number from 0 to 65535, got "80.5"`,
      `"routez" in ${file} is not a known setting`,
      `"upstream" in ${file} must match ^https?://[^\\s]+$, got "ftp://x"`,
      `"routes[0].method" in ${file} must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS (or a list of them), got "FETCH"`,
    ]));
    // Semantic checks run once the shape is right.
    const semantic = problemsOf({}, yamlFile(`
upstream: http://127.0.0.1:1
api: api_1
routes: [{ path: /b/*/c }, { path: /c, permissions: "docs:read AND (" }, { path: /d, ratelimits: [{ name: burst, limit: 5 }] }]
keyHeaders: ["X API Key"]
`));
    expect(semantic).toEqual([
      expect.stringMatching(/^"routes\[0\]\.path" in .*: `\*` may only be the last segment$/),
      expect.stringMatching(/^"routes\[1\]\.permissions" in .*: /),
      expect.stringMatching(/^"routes\[2\]\.ratelimits\[0\]" in .*: limit and durationMs go together$/),
      expect.stringMatching(/^"keyHeaders\[0\]" in .* must be "Header" or "Header: Scheme", got "X API Key"$/),
    ]);
  });

  it("needs an API unless auth is off, and TLS or an explicit flag for a non-loopback address", () => {
    expect(problemsOf({ upstream: "http://127.0.0.1:3000" })).toEqual([expect.stringMatching(/the API is missing: pass --api/)]);
    expect(loadGatewayConfig({ upstream: "http://127.0.0.1:3000" }, yamlFile("auth: false")).config.auth).toBe(false);
    expect(problemsOf({ upstream: "http://127.0.0.1:3000", api: "api_1", host: "0.0.0.0" })[0]).toMatch(/^--host is 0\.0\.0\.0, not a loopback address, and TLS is off/);
  });

  it("refuses a file that is missing, not YAML, or not a mapping", () => {
    expect(problemsOf({}, join(dir, "missing.yaml"))).toEqual([`gateway config ${join(dir, "missing.yaml")} cannot be read (ENOENT)`]);
    expect(problemsOf({}, yamlFile("a: [1"))[0]).toMatch(/is not valid YAML/);
    expect(problemsOf({}, yamlFile("- 1"))[0]).toMatch(/must hold one mapping/);
  });
});
