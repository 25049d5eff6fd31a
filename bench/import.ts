// `npm run bench:import`: 100,000 generated rows (JSON Lines: plaintext keys, 10,000 owners, permissions,
// metadata) imported through the built CLI (`keyward keys import`) into a fresh single-node server
// (SQLite). Prints rows/s and total seconds for the import (local check, server dry run, then the
// import in batches), and for a re-run that finds every key already there. Target: well under a minute.
// Options: --rows N (default 100000), --batch N (default 500).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../src/config/index.js";
import { startServer } from "../src/server/start.js";

const { values } = parseArgs({ options: { rows: { type: "string", default: "100000" }, batch: { type: "string", default: "500" } } });
const rows = Math.max(1, Number(values.rows) || 100_000);
const dir = mkdtempSync(join(tmpdir(), "keyward-bench-import-"));
const BIN = new URL("../bin/keyward.js", import.meta.url).pathname;

function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

let rootKey = "";
const server = await startServer(loadConfig({ KEYWARD_DATABASE_URL: join(dir, "keyward.db"), KEYWARD_PORT: "0", KEYWARD_LOG_LEVEL: "silent" }), {
  announce: (text) => (rootKey = /kwroot_live_[0-9A-Za-z]+/.exec(text)?.[0] ?? rootKey),
});
try {
  const env = { KEYWARD_URL: server.url, KEYWARD_ROOT_KEY: rootKey };
  const api = JSON.parse((await runCli(["apis", "create", "--name", "bench import", "--prefix", "bench", "--json"], env)).stdout) as { id: string };
  const file = join(dir, "rows.jsonl");
  const lines: string[] = [];
  for (let index = 0; index < rows; index++) {
    lines.push(
      JSON.stringify({
        key: `sk_legacy_${randomBytes(24).toString("base64url")}`,
        name: `migrated key ${index}`,
        externalId: `customer-${index % 10_000}`,
        permissions: index % 2 ? ["documents:read"] : ["documents:read", "documents:write"],
        meta: { legacyId: index, plan: index % 3 ? "pro" : "free" },
      }),
    );
  }
  writeFileSync(file, `${lines.join("\n")}\n`);
  console.log(`rows: ${rows.toLocaleString("en-US")} (${(lines.join("\n").length / 1e6).toFixed(1)} MB), batch ${values.batch}`);

  for (const label of ["import", "re-run"]) {
    const started = process.hrtime.bigint();
    const result = await runCli(["keys", "import", file, "--api", api.id, "--batch", values.batch!, "--json"], env);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (result.code !== 0) throw new Error(`keyward keys import failed (${result.code}): ${result.stderr.slice(0, 2000)}`);
    console.log(`${label.padEnd(7)} ${result.stdout.trim()}  ${seconds.toFixed(1)} s  ${Math.round(rows / seconds).toLocaleString("en-US")} rows/s`);
  }
  const sample = JSON.parse(lines[rows - 1]!) as { key: string };
  const verified = await runCli(["verify", sample.key, "--json"], env);
  console.log(`last row verifies: ${JSON.parse(verified.stdout).code}`);
} finally {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
