// `keyward keys import` (the built CLI) against a real listening server: JSON Lines and CSV, every bad
// row by line number with nothing imported, --skip-invalid, server-side conflicts, and re-runs.
import { createHash, randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import { startServer, type RunningServer } from "../../src/server/start.js";
import { ensureBuilt, killAll, makeTempDir, runCli } from "../e2e/support/keyward-process.js";

const tmp = makeTempDir("cli-import");
let server: RunningServer | undefined;
let env: Record<string, string> = {};
const cli = (args: string[]) => runCli(args, env);
const legacyKey = () => `sk_old_${randomBytes(18).toString("base64url")}`;
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
let fileCount = 0;
const file = (extension: string, lines: string[]) => {
  const path = join(tmp.dir, `rows-${(fileCount += 1)}.${extension}`);
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
};
const newApi = async () => JSON.parse((await cli(["apis", "create", "--name", "import", "--prefix", `imp${fileCount}x${Math.floor(Math.random() * 1e6)}`.slice(0, 16), "--json"])).stdout).id as string;
const verify = async (key: string) => JSON.parse((await runCli(["verify", "--json"], env, key)).stdout).code as string;

beforeAll(async () => {
  await ensureBuilt();
  let rootKey = "";
  const config = loadConfig({ KEYWARD_DATABASE_URL: join(tmp.dir, "keyward.db"), KEYWARD_PORT: "0", KEYWARD_LOG_LEVEL: "silent" });
  server = await startServer(config, { announce: (text) => (rootKey = /kwroot_live_[0-9A-Za-z]+/.exec(text)?.[0] ?? "") });
  env = { KEYWARD_URL: server.url, KEYWARD_ROOT_KEY: rootKey };
}, 180_000);

afterAll(async () => {
  killAll();
  await server?.close();
  tmp.remove();
});

describe("keyward keys import", () => {
  it("imports a JSON Lines file, prints a summary, and a re-run imports nothing new", async () => {
    const apiId = await newApi();
    const keys = [legacyKey(), legacyKey(), legacyKey()];
    const path = file("jsonl", [
      JSON.stringify({ key: keys[0], name: "one", externalId: "cust-a", permissions: ["docs:read"] }),
      "",
      JSON.stringify({ key: keys[1], meta: { plan: "pro" } }),
      JSON.stringify({ hash: sha256(keys[2]!), enabled: true }),
    ]);
    const first = await cli(["keys", "import", path, "--api", apiId]);
    expect(first).toMatchObject({ code: 0, stderr: "" });
    expect(first.stdout).toBe("imported 3, existing 0, skipped 0\n");
    for (const key of keys) expect(await verify(key)).toBe("VALID");
    const again = await cli(["keys", "import", path, "--api", apiId, "--json"]);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ imported: 0, existing: 3, skipped: 0 });
  });

  it("imports a CSV file with lists, JSON meta and booleans", async () => {
    const apiId = await newApi();
    const [a, b] = [legacyKey(), legacyKey()];
    const path = file("csv", ["key,hash,name,externalId,permissions,expiresAt,meta,enabled", `${a},,Alpha,cust-1,docs:read|docs:write,2099-01-01T00:00:00Z,"{""tier"":1}",true`, `,${sha256(b)},Beta,,docs:read,,,false`]);
    const result = await cli(["keys", "import", path, "--api", apiId]);
    expect(result).toMatchObject({ code: 0, stdout: "imported 2, existing 0, skipped 0\n" });
    const answer = JSON.parse((await runCli(["verify", "--json", "--permissions", "docs:write"], env, a)).stdout);
    expect(answer).toMatchObject({ code: "VALID", meta: { tier: 1 }, identity: { externalId: "cust-1" }, expiresAt: "2099-01-01T00:00:00.000Z" });
    expect(await verify(b)).toBe("DISABLED");
  });

  it("reports every bad row by line number, without its values, and imports nothing", async () => {
    const apiId = await newApi();
    const good = legacyKey();
    const path = file("jsonl", [
      JSON.stringify({ key: good }),
      "{not json",
      JSON.stringify({ key: "short" }),
      JSON.stringify({ key: good }),
      JSON.stringify({ key: legacyKey(), permissions: ["bad permission"] }),
    ]);
    const result = await cli(["keys", "import", path, "--api", apiId]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    const lines = result.stderr.split("\n").filter((line) => line.startsWith("line "));
    expect(lines.map((line) => Number(/^line (\d+):/.exec(line)?.[1]))).toEqual([2, 3, 4, 5]);
    expect(result.stderr).toMatch(/^line 4: \/key the same key as line 1 \(IMPORT_DUPLICATE_ROW\)$/m);
    expect(result.stderr).toMatch(/4 of 5 rows are not valid; nothing was imported/);
    expect(result.stderr).not.toContain(good);
    expect(await verify(good)).not.toBe("VALID");

    const skipped = await cli(["keys", "import", path, "--api", apiId, "--skip-invalid"]);
    expect(skipped.code).toBe(0);
    expect(skipped.stdout).toBe("imported 1, existing 0, skipped 4\n");
    expect(await verify(good)).toBe("VALID");
  });

  it("refuses, before writing anything, rows the server finds bad (a key of another API)", async () => {
    const [mine, theirs] = [await newApi(), await newApi()];
    const shared = legacyKey();
    expect((await cli(["keys", "import", file("jsonl", [JSON.stringify({ key: shared })]), "--api", theirs])).code).toBe(0);
    const fresh = legacyKey();
    const path = file("csv", ["key,name", `${fresh},fresh`, `${shared},shared`]);
    const result = await cli(["keys", "import", path, "--api", mine, "--batch", "1"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^line 3: \/key this key exists already outside this API \(KEY_HASH_CONFLICT\)$/m);
    expect(await verify(fresh)).not.toBe("VALID");
  });

  it("says what is wrong with its arguments", async () => {
    expect(await cli(["keys", "import", join(tmp.dir, "rows.txt"), "--api", "api_x"])).toMatchObject({ code: 2 });
    expect((await cli(["keys", "import", join(tmp.dir, "missing.jsonl"), "--api", "api_x"])).stderr).toMatch(/cannot read/);
    expect((await cli(["keys", "import", join(tmp.dir, "x.csv"), "--api", "api_x", "--batch", "5000"])).code).toBe(2);
  });
});
