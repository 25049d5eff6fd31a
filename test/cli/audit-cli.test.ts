// `keyward audit …` against a real server with a signing key: keygen, verify (on the server, and here
// against exported checkpoints), export as JSONL, checkpoint copies, the checkpoint written on shutdown,
// and a truncated-and-recomputed tail caught with exit code 1.
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import { sealEntry, type AuditEntry } from "../../src/core/index.js";
import { startServer, type RunningServer } from "../../src/server/start.js";
import { createStore } from "../../src/storage/index.js";
import { ensureBuilt, killAll, makeTempDir, runCli } from "../e2e/support/keyward-process.js";

const tmp = makeTempDir("audit-cli");
const keyFile = join(tmp.dir, "audit-signing.pem");
const checkpointFile = join(tmp.dir, "checkpoints.jsonl");
const databaseFile = join(tmp.dir, "keyward.db");
let server: RunningServer | undefined;
let env: Record<string, string> = {};
const cli = (args: string[]) => runCli(args, env);

async function start() {
  let rootKey = "";
  const config = loadConfig({
    KEYWARD_DATABASE_URL: databaseFile,
    KEYWARD_PORT: "0",
    KEYWARD_LOG_LEVEL: "silent",
    KEYWARD_AUDIT_SIGNING_KEY: keyFile,
    KEYWARD_AUDIT_CHECKPOINT_INTERVAL_MS: "1000",
  });
  server = await startServer(config, { announce: (text) => (rootKey = /kwroot_live_[0-9A-Za-z]+/.exec(text)?.[0] ?? "") });
  return rootKey;
}

beforeAll(async () => {
  await ensureBuilt();
}, 180_000);

afterAll(async () => {
  killAll();
  await server?.close();
  tmp.remove();
});

describe("keyward audit", () => {
  it("keygen writes a private key only its owner can read, and never overwrites one", async () => {
    const made = await cli(["audit", "keygen", keyFile]);
    expect(made).toMatchObject({ code: 0, stderr: "" });
    expect(made.stdout).toMatch(/^key id\s+[0-9a-f]{16}$/m);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(`${keyFile}.pub`, "utf8")).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    const again = await cli(["audit", "keygen", keyFile]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/exists already/);
  });

  it("verifies, exports and copies checkpoints", async () => {
    env = { KEYWARD_URL: "", KEYWARD_ROOT_KEY: await start() };
    env.KEYWARD_URL = server!.url;
    for (const name of ["a", "b", "c"]) expect((await cli(["apis", "create", "--name", name, "--prefix", `p${name}x`])).code).toBe(0);

    const verified = await cli(["audit", "verify"]);
    expect(verified).toMatchObject({ code: 0 });
    expect(verified.stdout).toMatch(/^valid: 5 entries, head 5 [0-9a-f]{64}$/m);

    const exported = await cli(["audit", "export", "--format", "jsonl"]);
    const lines = exported.stdout.trim().split("\n").map((line) => JSON.parse(line));
    expect(lines.map((entry) => [entry.seq, entry.action])).toEqual([
      [1, "workspace.create"],
      [2, "root_key.create"],
      [3, "api.create"],
      [4, "api.create"],
      [5, "api.create"],
    ]);
    expect((await cli(["audit", "export", "--action", "api.create", "--order", "desc"])).stdout.trim().split("\n").map((line) => JSON.parse(line).seq)).toEqual([5, 4, 3]);

    // The writer signs every second whatever head moved (the CLI calls above took a while each).
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const copied = await cli(["audit", "checkpoints", "--out", checkpointFile]);
    expect(copied).toMatchObject({ code: 0 });
    expect(copied.stdout).toMatch(/^[1-5] new checkpoint\(s\) appended/);
    expect((await cli(["audit", "checkpoints", "--out", checkpointFile])).stdout).toMatch(/^0 new checkpoint/);
    const kept = readFileSync(checkpointFile, "utf8").trim().split("\n").map((line) => JSON.parse(line));
    expect(kept.at(-1)).toMatchObject({ seq: 5, signature: expect.any(String) });

    const local = await cli(["audit", "verify", "--checkpoints", checkpointFile, "--public-key", `${keyFile}.pub`]);
    expect(local).toMatchObject({ code: 0 });
    expect(local.stdout).toMatch(new RegExp(`checkpoints: ${kept.length} checked, latest at entry 5 `));
  });

  it("writes a checkpoint of the last changes on shutdown", async () => {
    expect((await cli(["apis", "create", "--name", "late", "--prefix", "late"])).code).toBe(0);
    await server!.close();
    server = undefined;
    const store = await createStore({ url: databaseFile });
    try {
      expect(await store.audit.headsWithoutCheckpoint()).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it("exits 1 and names the problem when the tail was cut off and recomputed", async () => {
    await start();
    env.KEYWARD_URL = server!.url;
    const db = new Database(databaseFile);
    try {
      const rows = db.prepare("select * from audit_log order by seq").all() as any[];
      const keep = rows[3];
      db.prepare("delete from audit_log where seq > 4").run();
      const forged: AuditEntry = sealEntry(
        {
          id: "aud_forged",
          workspaceId: keep.workspace_id,
          time: new Date(),
          actor: { type: "system" },
          action: "api.create",
          target: { type: "api", id: "api_harmless" },
          before: null,
          after: '{"name":"harmless"}',
          requestId: null,
          sourceIp: null,
          userAgent: null,
        },
        { seq: 4, hash: keep.hash },
      );
      db.prepare(
        "insert into audit_log (workspace_id, seq, id, occurred_at, actor_type, actor_id, action, target_type, target_id, before_view, after_view, request_id, source_ip, user_agent, prev_hash, hash) values (?, ?, ?, ?, 'system', null, ?, 'api', ?, null, ?, null, null, null, ?, ?)",
      ).run(keep.workspace_id, 5, forged.id, forged.time.getTime(), forged.action, forged.target.id, forged.after, forged.prevHash, forged.hash);
      db.prepare("update audit_heads set seq = 5, hash = ?").run(forged.hash);
    } finally {
      db.close();
    }
    const remote = await cli(["audit", "verify"]);
    expect(remote.code).toBe(1);
    expect(remote.stdout).toMatch(/^INVALID: 1 problem/m);
    expect(remote.stdout).toMatch(/^truncated\s+5\s+aud_forged\s+/m);
    const local = await cli(["audit", "verify", "--checkpoints", checkpointFile, "--public-key", `${keyFile}.pub`, "--json"]);
    expect(local.code).toBe(1);
    expect(JSON.parse(local.stdout).problems).toEqual([expect.objectContaining({ kind: "truncated", entryId: "aud_forged", seq: 5 })]);
  });
});
