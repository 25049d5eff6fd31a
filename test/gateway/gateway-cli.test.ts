// `keyward gateway` started for real (the built CLI, spawned): both modes, the config file, the
// start-up checks, and the root key kept out of argv and output.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, freePort, runCli } from "../e2e/support/keyward-process.js";
import { bearer, send, startKeyward, type TestKeyward } from "./support/gateway.js";
import { spawnGateway } from "./support/gateway-process.js";
import { startUpstream, type Upstream } from "./support/upstream.js";

let k: TestKeyward;
let upstream: Upstream;
let apiId: string;
let configFile: string;

beforeAll(async () => {
  await ensureBuilt();
  [k, upstream] = await Promise.all([startKeyward(), startUpstream()]);
  apiId = (await k.f.api()).id;
  configFile = join(k.h.dir, "gateway.yaml");
  writeFileSync(configFile, ["realm: acme", "routes:", '  - { method: GET, path: "/v1/documents/:id", permissions: "docs:read" }', ""].join("\n"));
}, 200_000);
afterAll(async () => {
  await upstream?.close();
  await k?.close();
});

describe("keyward gateway (the CLI)", () => {
  it("runs in embedded mode against the server's database, with routes from the config file, and stops on SIGTERM", async () => {
    const reader = await k.f.key({ apiId, permissions: ["docs:read"] });
    const other = await k.f.key({ apiId });
    const gateway = await spawnGateway(["--upstream", upstream.url, "--api", apiId, "--config", configFile], { KEYWARD_DATABASE_URL: k.h.databaseFile }, k.h.dir);
    try {
      expect((await send(`${gateway.url}/v1/documents/1`, { headers: bearer(reader.key) })).status).toBe(200);
      expect(upstream.seen.at(-1)!.headers["x-keyward-key-id"]).toBe(reader.id);
      const refused = await send(`${gateway.url}/v1/documents/1`, { headers: bearer(other.key) });
      expect(refused.status).toBe(403);
      expect(refused.headers["www-authenticate"]).toBe('Bearer realm="acme", error="insufficient_scope"');
      expect((await send(`${gateway.url}/healthz`)).json).toEqual({ status: "ok" });
      expect(gateway.process.stdout()).toContain('"mode":"embedded"');
    } finally {
      const exit = await gateway.process.stop("SIGTERM");
      expect(exit.code).toBe(0);
    }
  });

  it("runs in remote mode with the root key from the environment only, never echoing it", async () => {
    const reader = await k.f.key({ apiId, permissions: ["docs:read"] });
    // Debug level: every request is logged, and still neither key may show.
    const debugConfig = join(k.h.dir, "gateway-debug.yaml");
    writeFileSync(debugConfig, `${readFileSync(configFile, "utf8")}logLevel: debug\n`);
    const gateway = await spawnGateway(["--upstream", upstream.url, "--api", apiId, "--config", debugConfig], { KEYWARD_URL: k.url, KEYWARD_ROOT_KEY: k.verifyKey }, k.h.dir);
    try {
      expect((await send(`${gateway.url}/v1/documents/1`, { headers: bearer(reader.key) })).status).toBe(200);
      expect((await send(`${gateway.url}/v1/documents/1`)).status).toBe(401);
      expect(gateway.process.stdout()).toContain('"mode":"remote"');
      // The refusal's log line is written after the answer is sent, and crosses a pipe: wait for it.
      await expect.poll(() => gateway.process.stdout(), { timeout: 5_000 }).toContain('"msg":"gateway refused"');
      const cmdline = readFileSync(`/proc/${gateway.process.child.pid}/cmdline`, "utf8");
      for (const text of [cmdline, gateway.process.stdout(), gateway.process.stderr()]) {
        expect(text).not.toContain(k.verifyKey);
        expect(text).not.toContain(reader.key);
      }
    } finally {
      await gateway.stop();
    }
  });

  it("stops at start-up with exit code 2 and a message naming the problem", async () => {
    const bad = join(k.h.dir, "bad.yaml");
    writeFileSync(bad, "routes:\n  - { method: FETCH, path: /a }\nupstreamTimeoutMs: soon\n");
    const cases: Array<[string[], Record<string, string>, RegExp]> = [
      [["--upstream", upstream.url, "--api", apiId, "--config", bad], { KEYWARD_DATABASE_URL: k.h.databaseFile }, /"routes\[0\]\.method" in .*bad\.yaml must be one of GET/],
      [["--upstream", upstream.url, "--api", apiId, "--config", bad], { KEYWARD_DATABASE_URL: k.h.databaseFile }, /"upstreamTimeoutMs" in .*bad\.yaml must be a whole number from 1 to 3600000, got "soon"/],
      [["--upstream", upstream.url], {}, /the API is missing: pass --api/],
      [["--upstream", upstream.url, "--api", apiId, "--port", "x"], {}, /--port must be a whole number from 0 to 65535, got "x"/],
      [["--upstream", upstream.url, "--api", apiId], { KEYWARD_DATABASE_URL: join(k.h.dir, "nope.db") }, /no Keyward database at .*nope\.db/],
      [["--upstream", upstream.url, "--api", apiId, "--mode", "remote"], {}, /remote mode needs KEYWARD_URL and KEYWARD_ROOT_KEY/],
      [["--upstream", upstream.url, "--api", apiId], { KEYWARD_URL: k.url, KEYWARD_ROOT_KEY: "kwroot_live_notarealkey" }, /KEYWARD_ROOT_KEY is not a valid root key/],
      [["--upstream", upstream.url, "--api", apiId], { KEYWARD_URL: `http://127.0.0.1:${await freePort()}`, KEYWARD_ROOT_KEY: k.verifyKey }, /KEYWARD_URL .* cannot be reached/],
      [["--upstream", upstream.url, "--api", apiId, "--workspace", "ws_nope"], { KEYWARD_DATABASE_URL: k.h.databaseFile }, /is not an API of the workspace ws_nope/],
    ];
    for (const [args, env, message] of cases) {
      const result = await runCli(["gateway", "--port", "0", ...args], env);
      expect({ code: result.code, stderr: result.stderr }, args.join(" ")).toEqual({ code: 2, stderr: expect.stringMatching(message) });
      expect(result.stderr).not.toContain(k.verifyKey);
    }
  }, 60_000);
});
