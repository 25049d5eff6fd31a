// `npm run bench:gateway`: what verifying keys adds to a proxied call. One run starts a tiny upstream,
// the gateway in embedded mode (the key cached after its first call) and the same proxy with
// `auth: false`, each in its own process, and drives each with wrk (or a built-in undici loop when wrk
// cannot be installed) on loopback, alternating the two so that drift hits both alike. Prints req/s,
// p99 and the overhead; the target is at most 30 % fewer req/s than the proxy alone.
// Options: --seconds N per measurement (default 5), --rounds N (default 3), --connections N (default 32).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { authenticateRootKey } from "../src/auth/index.js";
import { bootstrapInstall, closeServiceContext, createApi, createKey, createServiceContext } from "../src/services/index.js";
import { createStore } from "../src/storage/index.js";
import { ensureWrk, runUndiciLoop, runWrk, type Load, type LoadResult } from "./gateway-load.js";

const { values } = parseArgs({ options: { seconds: { type: "string", default: "5" }, rounds: { type: "string", default: "3" }, connections: { type: "string", default: "32" } } });
const seconds = Math.min(30, Math.max(1, Number(values.seconds) || 5));
const rounds = Math.min(9, Math.max(1, Number(values.rounds) || 3));
const connections = Math.min(256, Math.max(1, Number(values.connections) || 32));
const REPO = fileURLToPath(new URL("../", import.meta.url));
const children = new Set<ChildProcess>();
process.once("exit", () => children.forEach((child) => child.kill("SIGKILL")));

/** A database with one API and one key, made through the services as the server would. */
async function prepareDatabase(file: string): Promise<{ apiId: string; key: string }> {
  const store = await createStore({ url: file });
  const ctx = createServiceContext({ store, logger: { warn() {} } });
  const install = await bootstrapInstall(ctx);
  const actor = await authenticateRootKey(ctx.verifier, `Bearer ${install!.secret}`);
  const api = await createApi(ctx, actor, { name: "bench", prefix: "bench" });
  const key = await createKey(ctx, actor, { apiId: api.id, name: "bench", externalId: "bench-customer" });
  await closeServiceContext(ctx);
  await store.close();
  return { apiId: api.id, key: key.secret };
}

/** Starts a process and waits for the line that carries its URL. */
function startProcess(args: string[], env: NodeJS.ProcessEnv, urlOf: (line: string) => string | null): Promise<string> {
  const child = spawn(process.execPath, args, { cwd: REPO, env, stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  let out = "";
  let err = "";
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (err = (err + chunk).slice(-4000)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args.join(" ")} did not start\n${out}\n${err}`)), 30_000);
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
      for (const line of out.split("\n")) {
        const url = urlOf(line);
        if (url) {
          clearTimeout(timer);
          // From here its output is not read: drop it rather than buffer it.
          child.stdout!.removeAllListeners("data").resume();
          return resolve(url);
        }
      }
    });
    child.once("exit", (code) => reject(new Error(`${args.join(" ")} exited (${code})\n${out}\n${err}`)));
  });
}

const UPSTREAM = `
const server = require("node:http").createServer((req, res) => {
  req.resume();
  res.writeHead(200, { "content-type": "application/json", "content-length": "16" });
  res.end('{"status":"ok"}\\n');
});
server.keepAliveTimeout = 60000;
server.listen(0, "127.0.0.1", () => console.log("http://127.0.0.1:" + server.address().port));
`;

async function startGateway(dir: string, name: string, yaml: string, upstream: string, apiId: string, database: string): Promise<string> {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, yaml);
  const env: NodeJS.ProcessEnv = { ...process.env, KEYWARD_DATABASE_URL: database };
  for (const variable of ["KEYWARD_URL", "KEYWARD_ROOT_KEY", "KEYWARD_REDIS_URL", "KEYWARD_CONFIG"]) delete env[variable];
  const args = ["--import", "tsx", "src/cli/main.ts", "gateway", "--upstream", upstream, "--api", apiId, "--port", "0", "--mode", "embedded", "--config", file];
  return startProcess(args, env, (line) => (line.includes('"msg":"keyward gateway listening"') ? (JSON.parse(line) as { url: string }).url : null));
}

const format = (result: LoadResult) => `${Math.round(result.requestsPerSecond).toString().padStart(7)} req/s   p99 ${result.p99Ms.toFixed(2).padStart(6)} ms${result.errors ? `   ${result.errors} ERRORS` : ""}`;
/** The median run by req/s (with its own p99): one disturbed run on a shared machine moves it least. */
const median = (results: LoadResult[]) => [...results].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond)[Math.floor((results.length - 1) / 2)]!;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "keyward-bench-gateway-"));
  try {
    const database = join(dir, "keyward.db");
    const { apiId, key } = await prepareDatabase(database);
    const upstream = await startProcess(["-e", UPSTREAM], process.env, (line) => (line.startsWith("http://") ? line.trim() : null));
    // Default log level (info): the gateway logs nothing per request there.
    const withAuth = await startGateway(dir, "auth", "", upstream, apiId, database);
    const withoutAuth = await startGateway(dir, "no-auth", "auth: false\n", upstream, apiId, database);

    const useWrk = ensureWrk(console.log);
    if (!useWrk) console.log("wrk is not available (and could not be installed): using the built-in undici load loop");
    const drive = (url: string, runSeconds = seconds): Promise<LoadResult> => {
      const load: Load = { url: `${url}/v1/documents/1`, headers: { authorization: `Bearer ${key}` }, connections, seconds: runSeconds };
      return useWrk ? runWrk(load) : runUndiciLoop(load);
    };

    console.log(`gateway overhead: ${connections} connections, ${seconds} s per measurement, ${rounds} round(s), ${useWrk ? "wrk" : "undici loop"}, loopback`);
    // Warm-up: JIT, kept-alive upstream connections, the key in the verify cache.
    for (const url of [upstream, withoutAuth, withAuth]) await drive(url, 1);
    const direct = await drive(upstream);
    const proxy: LoadResult[] = [];
    const gateway: LoadResult[] = [];
    for (let round = 0; round < rounds; round++) {
      proxy.push(await drive(withoutAuth));
      gateway.push(await drive(withAuth));
      console.log(`  round ${round + 1}: auth off ${format(proxy.at(-1)!)} | verified ${format(gateway.at(-1)!)}`);
    }
    const [p, g] = [median(proxy), median(gateway)];
    const overhead = 1 - g.requestsPerSecond / p.requestsPerSecond;
    console.log("");
    console.log(`median of ${rounds} round(s):`);
    console.log(`  upstream, direct              ${format(direct)}`);
    console.log(`  proxy, auth off               ${format(p)}`);
    console.log(`  gateway, cached key verified  ${format(g)}`);
    console.log("");
    console.log(`  overhead of verification: ${(overhead * 100).toFixed(1)} % fewer req/s, p99 ${(g.p99Ms - p.p99Ms).toFixed(2)} ms more (target ≤ 30 %: ${overhead <= 0.3 ? "met" : "NOT met"})`);
    if (p.errors + g.errors > 0) console.log("  errors in the runs: the numbers are not valid");
  } finally {
    children.forEach((child) => child.kill("SIGTERM"));
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
