// Runs the README's quick start block verbatim (only the server address differs) against a fresh server.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import { startServer, type RunningServer } from "../../src/server/start.js";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

function readmeScript(name: string): string {
  const block = readme.split(`<!-- ${name}:begin -->`)[1]?.split(`<!-- ${name}:end -->`)[0] ?? "";
  const script = /```sh\n([\s\S]*?)```/.exec(block)?.[1];
  if (!script) throw new Error(`README has no ${name} block`);
  return script;
}

const quickstartScript = () => readmeScript("quickstart");

describe("README quick start", () => {
  let dir: string;
  let server: RunningServer;
  let rootKey = "";

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "keyward-readme-"));
    const config = loadConfig({ KEYWARD_DATABASE_URL: join(dir, "keyward.db"), KEYWARD_PORT: "0", KEYWARD_LOG_LEVEL: "silent" });
    server = await startServer(config, { announce: (text) => (rootKey = /kwroot_live_\w+/.exec(text)?.[0] ?? "") });
  });

  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("creates an API and a key, verifies it, revokes it and sees it refused", async () => {
    expect(rootKey).toMatch(/^kwroot_live_/);
    const script = quickstartScript();
    expect(script).toContain("KEYWARD=http://127.0.0.1:8080");
    // Asynchronous: the server runs in this process and must keep answering while the script runs.
    const { stdout: output } = await promisify(execFile)("bash", ["-euo", "pipefail", "-c", script.replace("KEYWARD=http://127.0.0.1:8080", `KEYWARD=${server.url}`)], {
      cwd: dir,
      env: { ...process.env, KEYWARD_ROOT_KEY: rootKey },
      encoding: "utf8",
    });
    const answers = output.trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(answers).toHaveLength(3);
    expect(answers[0]).toMatchObject({ valid: true, code: "VALID", identity: { externalId: "customer_42" } });
    expect(answers[1]).toMatchObject({ revokedReason: "laptop stolen" });
    expect(answers[1]!.revokedAt).toEqual(expect.any(String));
    expect(answers[2]).toMatchObject({ valid: false, code: "REVOKED" });
  });

  it("runs the rate limits and credits example: cost, top up, set, remove", async () => {
    const script = quickstartScript().replace("KEYWARD=http://127.0.0.1:8080", `KEYWARD=${server.url}`) + readmeScript("limits");
    const { stdout } = await promisify(execFile)("bash", ["-euo", "pipefail", "-c", script], { cwd: dir, env: { ...process.env, KEYWARD_ROOT_KEY: rootKey }, encoding: "utf8" });
    const answers = stdout.trim().split("\n").map((line) => JSON.parse(line) as Record<string, any>).slice(3);
    expect(answers).toHaveLength(4);
    expect(answers[0]).toMatchObject({ valid: true, code: "VALID", credits: { remaining: 90 } });
    expect(answers[0]!.ratelimits[0]).toMatchObject({ name: "burst", limit: 3, remaining: 2 });
    expect(answers[1]!.credits.remaining).toBe(140);
    expect(answers[2]!.credits.remaining).toBe(10);
    expect(answers[3]!.credits).toBeNull();
  });
});
