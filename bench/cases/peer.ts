// Case 3: the peer, Better Auth's api-key plugin, serving the same verify over the same node:http
// wrapper as the floor, measured in the same interleaved HTTP session as Keyward (cases 2 and 3).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { VERIFY_PATH, checkVerify } from "../support/http-load.js";
import type { BenchOptions } from "../support/options.js";
import { CACHE_DIR, PEERS_DIR } from "../support/paths.js";
import { startServerProcess, type ServerProcess } from "../support/processes.js";
import { fmt, printCase, table, type CaseResult } from "../support/report.js";
import { writeLuaScript } from "../support/wrk.js";
import { strip, type HttpSession } from "./http.js";

const PEER = "better-auth 1.7.5 + @better-auth/api-key 1.7.5";

export interface PeerHandle {
  server: ServerProcess;
  script: string;
  keys: number;
}

/** `npm install --prefix bench/peers` on first use; the reason when it cannot. */
function ensurePeerInstalled(): string | null {
  const installed = () => existsSync(join(PEERS_DIR, "node_modules", "better-auth")) && existsSync(join(PEERS_DIR, "node_modules", "@better-auth", "api-key"));
  if (installed()) return null;
  console.log(`installing the peer (${PEER}) on first use: npm install --prefix bench/peers`);
  const result = spawnSync("npm", ["install", "--prefix", PEERS_DIR, "--no-audit", "--no-fund"], { stdio: "inherit" });
  if (result.status === 0 && installed()) return null;
  return `npm install --prefix bench/peers failed (${result.error?.message ?? `exit ${result.status}`})`;
}

/** The peer's server with its keys and wrk script, or why it cannot run here. */
export async function startPeer(options: BenchOptions): Promise<PeerHandle | { reason: string }> {
  const reason = ensurePeerInstalled();
  if (reason) return { reason };
  const count = options.smoke ? 20 : 1_000;
  let server: ServerProcess | null = null;
  try {
    server = await startServerProcess("peers/better-auth-server.mjs", {
      env: { BENCH_PEER_KEYS: String(count), BENCH_PEER_DB: join(CACHE_DIR, `better-auth-${count}.db`) },
    });
    const keys = JSON.parse(readFileSync((await server.stats()).keysFile as string, "utf8")) as string[];
    const headers = { "content-type": "application/json" };
    await checkVerify(server.url, headers, keys[0]!, (json) => json?.valid === true);
    const script = writeLuaScript("verify-peer", { path: VERIFY_PATH, headers, bodies: keys.map((key) => JSON.stringify({ key })) });
    return { server, script, keys: keys.length };
  } catch (error) {
    await server?.stop();
    return { reason: `the peer server failed: ${error instanceof Error ? error.message.split("\n").slice(0, 3).join(" ") : String(error)}` };
  }
}

export function peerCase(session: HttpSession): CaseResult {
  const { keyward, peer } = session;
  if (!peer) {
    const reason = session.peerReason ?? "unknown";
    const result: CaseResult = {
      case: "peer",
      data: { peer: PEER, measured: false, reason },
      targets: [{ name: "keyward ≥ 10× the peer's req/s", actual: Number.NaN, met: null }],
      notes: [`the peer was not measured: ${reason}`],
    };
    printCase("case 3: peer (Better Auth api-key plugin)", `not measured: ${reason}`, result);
    return result;
  }
  const ratio = keyward.requestsPerSecond / peer.requestsPerSecond;
  // A peer that answers errors under load was not measured doing what Keyward does: no verdict then.
  const sound = peer.non2xx === 0;
  const rows = [
    ["keyward: POST /v1/keys/verify (case 2)", fmt.int(keyward.requestsPerSecond), fmt.ms(keyward.p50), fmt.ms(keyward.p99), fmt.int(keyward.errors), fmt.ratio(ratio)],
    [`peer: ${PEER}`, fmt.int(peer.requestsPerSecond), fmt.ms(peer.p50), fmt.ms(peer.p99), fmt.int(peer.errors), "1.00×"],
  ];
  const result: CaseResult = {
    case: "peer",
    data: { peer: PEER, measured: true, keys: session.peerKeys, keyward: strip(keyward), peerResult: strip(peer), keywardOverPeer: ratio },
    targets: [{ name: "keyward ≥ 10× the peer's req/s", actual: ratio, met: sound ? ratio >= 10 : null }],
    notes: [
      ...(sound ? [] : [`the peer answered ${peer.non2xx} requests with a non-2xx status: no verdict`]),
      `same wrk load and interleaved slices as case 2; the peer as its docs set it up (betterAuth + apiKey() on better-sqlite3, schema by its migrations) behind the floor's node:http wrapper, with the plugin's rate limit off (its default, 10 a day, would refuse the load); ${fmt.int(session.peerKeys)} keys cycled`,
      "the peer's verify writes the key row on every call (lastRequest, updatedAt): its design, not a setting",
    ],
  };
  printCase("case 3: peer (Better Auth api-key plugin)", table(["server", "req/s", "p50", "p99", "errors", "keyward ÷ peer"], rows), result);
  return result;
}
