// End to end: what `keyward serve` refuses at start-up (exit 2, naming the setting), the insecure-bind
// escape hatch, and HTTPS with a certificate of its own.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, freePort, killAll, makeTempDir, spawnKeyward } from "./support/keyward-process.js";

const tmp = makeTempDir("e2e-startup");
const database = join(tmp.dir, "keyward.db");

function hasOpenssl(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Starts `keyward serve` with a bad setting and returns how it ended. */
async function refusedStart(env: Record<string, string>, args?: string[]) {
  const server = spawnKeyward({ KEYWARD_DATABASE_URL: database, KEYWARD_PORT: String(await freePort()), ...env }, { cwd: tmp.dir, ...(args ? { args } : {}) });
  const exit = await Promise.race([server.exited, new Promise<"running">((resolve) => setTimeout(() => resolve("running"), 10_000))]);
  return { exit, stderr: server.stderr(), stdout: server.stdout() };
}

beforeAll(async () => {
  await ensureBuilt();
}, 180_000);
afterEach(() => killAll());
afterAll(() => tmp.remove());

describe("keyward serve refuses bad configuration with exit code 2", () => {
  it.each([
    ["KEYWARD_PORT=abc", { KEYWARD_PORT: "abc" }, 'KEYWARD_PORT must be a whole number from 0 to 65535, got "abc"'],
    ["KEYWARD_PORT=80.5", { KEYWARD_PORT: "80.5" }, 'KEYWARD_PORT must be a whole number from 0 to 65535, got "80.5"'],
    ["KEYWARD_LOG_LEVEL=loud", { KEYWARD_LOG_LEVEL: "loud" }, 'KEYWARD_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"'],
    ["KEYWARD_TLS_CERT without a key", { KEYWARD_TLS_CERT: join(tmp.dir, "cert.pem") }, "KEYWARD_TLS_CERT is set alone"],
  ])("%s", async (_label, env: Record<string, string>, message) => {
    const { exit, stderr, stdout } = await refusedStart(env);
    expect(exit).toEqual({ code: 2, signal: null });
    expect(stderr).toContain("keyward: invalid configuration:");
    expect(stderr).toContain(message);
    // Refused before anything was created: no database, no root key.
    expect(existsSync(database)).toBe(false);
    expect(stdout).not.toContain("kwroot_");
  });

  it("names an unknown setting in the KEYWARD_CONFIG file, and the file", async () => {
    const file = join(tmp.dir, "unknown.json");
    writeFileSync(file, JSON.stringify({ logLevel: "warn", prot: 8081 }));
    const { exit, stderr } = await refusedStart({ KEYWARD_CONFIG: file });
    expect(exit).toEqual({ code: 2, signal: null });
    expect(stderr).toContain(`config file ${file}: unknown setting "prot"`);
  });

  it("reads the file given with --config the same way", async () => {
    const file = join(tmp.dir, "bad-level.json");
    writeFileSync(file, JSON.stringify({ logLevel: "loud" }));
    const { exit, stderr } = await refusedStart({}, ["serve", "--config", file]);
    expect(exit).toEqual({ code: 2, signal: null });
    expect(stderr).toContain(`"logLevel" in config file ${file} must be one of`);
  });
});

describe("binding a non-loopback address", () => {
  it("is refused without TLS, naming the way out", async () => {
    const { exit, stderr } = await refusedStart({ KEYWARD_HOST: "0.0.0.0" });
    expect(exit).toEqual({ code: 2, signal: null });
    expect(stderr).toContain("KEYWARD_HOST is 0.0.0.0, not a loopback address, and TLS is off");
    expect(stderr).toContain("KEYWARD_ALLOW_INSECURE_BIND=true");
    expect(existsSync(database)).toBe(false);
  });

  it("starts with KEYWARD_ALLOW_INSECURE_BIND=true, and logs a warning", async () => {
    const port = await freePort();
    const dir = makeTempDir("e2e-insecure");
    const server = spawnKeyward({ KEYWARD_HOST: "0.0.0.0", KEYWARD_PORT: String(port), KEYWARD_ALLOW_INSECURE_BIND: "true", KEYWARD_DATABASE_URL: join(dir.dir, "k.db") }, { cwd: dir.dir });
    try {
      expect(await server.listening()).toBe(`http://0.0.0.0:${port}`);
      const warning = server
        .stdout()
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as { level: number; msg: string; host?: string })
        .find((entry) => entry.level === 40);
      expect(warning).toMatchObject({ host: "0.0.0.0", msg: expect.stringContaining("without TLS") });
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      expect((await server.stop()).code).toBe(0);
    } finally {
      dir.remove();
    }
  });
});

describe("TLS", () => {
  const openssl = hasOpenssl();

  it.skipIf(!openssl)(`serves HTTPS with KEYWARD_TLS_CERT and KEYWARD_TLS_KEY${openssl ? "" : " (skipped: openssl is not installed)"}`, async () => {
    const dir = makeTempDir("e2e-tls");
    const cert = join(dir.dir, "cert.pem");
    const key = join(dir.dir, "key.pem");
    execFileSync(
      "openssl",
      ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=localhost"]
        .concat(["-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", key, "-out", cert]),
      { stdio: "ignore" },
    );
    // TLS satisfies the non-loopback rule: 0.0.0.0 starts without KEYWARD_ALLOW_INSECURE_BIND and without a warning.
    const server = spawnKeyward({ KEYWARD_HOST: "0.0.0.0", KEYWARD_PORT: "0", KEYWARD_TLS_CERT: cert, KEYWARD_TLS_KEY: key, KEYWARD_DATABASE_URL: join(dir.dir, "k.db") }, { cwd: dir.dir });
    try {
      const url = new URL(await server.listening());
      expect(url.protocol).toBe("https:");
      expect(server.stdout()).not.toContain('"level":40');
      // Trust exactly this certificate (rather than turning verification off), so the handshake is really checked.
      const answer = await new Promise<{ status: number; body: string; protocol: string }>((resolve, reject) => {
        const req = request({ host: "127.0.0.1", port: url.port, path: "/healthz", ca: readFileSync(cert), agent: false }, (response) => {
          let body = "";
          response.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
          response.on("end", () => resolve({ status: response.statusCode ?? 0, body, protocol: (response.socket as import("node:tls").TLSSocket).getProtocol() ?? "" }));
        });
        req.on("error", reject).end();
      });
      expect(answer.status).toBe(200);
      expect(answer.protocol).toMatch(/^TLSv1\.[23]$/);
      // Plain HTTP to the TLS port gets no answer from Keyward.
      await expect(fetch(`http://127.0.0.1:${url.port}/healthz`)).rejects.toThrow();
      expect((await server.stop()).code).toBe(0);
    } finally {
      dir.remove();
    }
  });
});
