// Cases 2 and 3 share one HTTP session: Keyward's POST /v1/keys/verify, the floor server, a framework
// control and the peer, all driven by wrk with the same script shape, measured in interleaved slices
// (each server 10 s in all) so that load from elsewhere on the machine falls on all of them alike.
// Keyward's database writes are counted meanwhile (the request path must make none).
import { join } from "node:path";
import { benchKey, flavourOf, sqliteDataset } from "../support/dataset.js";
import { VERIFY_PATH, checkVerify, mergeSlices, verifyAll } from "../support/http-load.js";
import type { BenchOptions } from "../support/options.js";
import { CACHE_DIR } from "../support/paths.js";
import { startServerProcess, type ServerProcess } from "../support/processes.js";
import { fmt, printCase, table, type CaseResult } from "../support/report.js";
import type { WriteCounts } from "../support/sqlite-writes.js";
import { ensureWrk, runWrk, writeLuaScript, wrkVersion, type WrkResult } from "../support/wrk.js";
import { startPeer, type PeerHandle } from "./peer.js";

export type Measured = WrkResult & { slices: number };

export interface HttpSession {
  floor: Measured;
  control: Measured;
  keyward: Measured;
  /** null when the peer was not asked for or could not run (then `peerReason` says why). */
  peer: Measured | null;
  peerReason: string | null;
  peerKeys: number;
  writes: WriteCounts;
  loopDelay: { p50: number; p99: number; max: number };
  fillSeconds: number;
  keysInLoad: number;
  keysStored: number;
  profileFile: string | null;
  rounds: number;
  secondsPerSlice: number;
}

interface Contender {
  name: "floor" | "control" | "keyward" | "peer";
  server: ServerProcess;
  script: string;
  slices: WrkResult[];
}

export async function runHttpSession(options: BenchOptions, withPeer: boolean): Promise<HttpSession> {
  ensureWrk();
  const keysStored = options.smoke ? 3_000 : 100_000;
  const keysInLoad = options.smoke ? 300 : 10_000;
  const dataset = await sqliteDataset(keysStored);
  const keys: string[] = [];
  for (let index = 0; keys.length < keysInLoad; index++) if (flavourOf(index) === "plain") keys.push(benchKey(index));
  const headers = { "content-type": "application/json", authorization: `Bearer ${dataset.rootKey}` };
  const script = writeLuaScript("verify", { path: VERIFY_PATH, headers, bodies: keys.map((key) => JSON.stringify({ key })) });
  const profileFile = options.profile ? join(CACHE_DIR, "profiles", `keyward-http-${new Date().toISOString().replace(/[:.]/g, "-")}.cpuprofile`) : null;

  const contenders: Contender[] = [];
  let peer: PeerHandle | null = null;
  let peerReason: string | null = withPeer ? null : "not asked for";
  try {
    const floor = await startServerProcess("servers/floor-server.ts", { env: { BENCH_KEYS: String(keysStored) } });
    contenders.push({ name: "floor", server: floor, script, slices: [] });
    const control = await startServerProcess("servers/fastify-floor-server.ts", { env: { BENCH_KEYS: String(keysStored) } });
    contenders.push({ name: "control", server: control, script, slices: [] });
    const keyward = await startServerProcess("servers/keyward-server.ts", {
      env: {
        BENCH_DATABASE_URL: dataset.databaseUrl,
        ...(profileFile ? { BENCH_PROFILE: profileFile } : {}),
        ...(options.usageFlushMs ? { BENCH_USAGE_FLUSH_MS: String(options.usageFlushMs) } : {}),
      },
    });
    contenders.push({ name: "keyward", server: keyward, script, slices: [] });
    if (withPeer) {
      const started = await startPeer(options);
      if ("reason" in started) peerReason = started.reason;
      else {
        peer = started;
        contenders.push({ name: "peer", server: started.server, script: started.script, slices: [] });
      }
    }

    for (const contender of contenders.slice(0, 2)) await checkVerify(contender.server.url, headers, keys[0]!, (json) => json?.valid === true);
    await checkVerify(keyward.url, headers, keys[0]!, (json) => json?.valid === true && json?.code === "VALID");
    // Every key of the load once, so the measured slices verify cached keys (the case is the hot path).
    const fillStarted = performance.now();
    await verifyAll(keyward.url, headers, keys);
    const fillSeconds = (performance.now() - fillStarted) / 1000;
    if (options.warmupSeconds > 0) {
      for (const contender of contenders) await runWrk(contender.script, { url: contender.server.url, connections: options.connections, seconds: options.warmupSeconds });
    }

    // wrk takes whole seconds: 10 s become 5 slices of 2 s.
    const rounds = options.smoke ? 1 : Math.max(1, Math.min(5, Math.floor(options.seconds / 2)));
    const secondsPerSlice = Math.max(1, Math.round(options.seconds / rounds));
    keyward.signal("reset");
    for (let round = 0; round < rounds; round++) {
      // The order turns every round, so no server always follows the same one.
      for (let turn = 0; turn < contenders.length; turn++) {
        const contender = contenders[(round + turn) % contenders.length]!;
        contender.slices.push(await runWrk(contender.script, { url: contender.server.url, connections: options.connections, seconds: secondsPerSlice }));
      }
    }
    const stats = await keyward.stats();
    await checkVerify(keyward.url, headers, keys[keys.length - 1]!, (json) => json?.valid === true);
    const measured = (name: Contender["name"]) => mergeSlices(contenders.find((c) => c.name === name)!.slices, secondsPerSlice);
    return {
      floor: measured("floor"),
      control: measured("control"),
      keyward: measured("keyward"),
      peer: peer ? measured("peer") : null,
      peerReason,
      peerKeys: peer?.keys ?? 0,
      writes: stats.writes as WriteCounts,
      loopDelay: stats.loopDelayMs as HttpSession["loopDelay"],
      fillSeconds,
      keysInLoad,
      keysStored,
      profileFile,
      rounds,
      secondsPerSlice,
    };
  } finally {
    for (const contender of contenders) await contender.server.stop();
  }
}

export function strip(result: WrkResult) {
  const { raw: _raw, ...rest } = result;
  return rest;
}

/** Case 2's table and targets. */
export function httpCase(options: BenchOptions, session: HttpSession): CaseResult {
  const { floor, control, keyward, writes, loopDelay } = session;
  const throughput = keyward.requestsPerSecond / floor.requestsPerSecond;
  const p99Ratio = keyward.p99 / floor.p99;
  const row = (name: string, r: WrkResult) => [
    name,
    fmt.int(r.requestsPerSecond),
    fmt.ms(r.p50),
    fmt.ms(r.p99),
    fmt.int(r.errors),
    r === floor ? "1.00" : fmt.pct(r.requestsPerSecond / floor.requestsPerSecond),
    r === floor ? "1.00" : fmt.ratio(r.p99 / floor.p99),
  ];
  const rows = [
    row("floor: node:http + SHA-256 + Map", floor),
    row("control: Fastify + SHA-256 + Map (no auth, no log)", control),
    row("keyward: POST /v1/keys/verify", keyward),
  ];
  const result: CaseResult = {
    case: "http",
    data: {
      connections: options.connections,
      secondsPerServer: options.seconds,
      slices: `${session.rounds} × ${session.secondsPerSlice} s, interleaved`,
      warmupSeconds: options.warmupSeconds,
      keysInLoad: session.keysInLoad,
      keysStored: session.keysStored,
      floor: strip(floor),
      frameworkControl: strip(control),
      keyward: strip(keyward),
      throughputRatio: throughput,
      p99Ratio,
      frameworkOverFloor: control.requestsPerSecond / floor.requestsPerSecond,
      keywardOverFramework: keyward.requestsPerSecond / control.requestsPerSecond,
      cacheFillSeconds: session.fillSeconds,
      keywardEventLoopDelayMs: loopDelay,
      dbWritesOnRequestPath: writes.requestPathWrites,
      usageFlushTransactions: writes.usageFlushes,
      usageFlushStatements: writes.usageFlushWrites,
      dbReadsWhileLoaded: writes.reads,
    },
    targets: [
      { name: "keyward ≥ 70% of the floor server's req/s", actual: throughput, met: throughput >= 0.7 },
      { name: "keyward p99 ≤ 2× the floor server's p99", actual: p99Ratio, met: p99Ratio <= 2 },
      { name: "zero database writes on the request path", actual: writes.requestPathWrites, met: writes.requestPathWrites === 0 },
    ],
    notes: [
      `${wrkVersion()}, 1 thread, ${options.connections} connections; per server ${options.warmupSeconds} s warm-up, then ${options.seconds} s measured in ${session.rounds} interleaved slices of ${session.secondsPerSlice} s (p50/p99: median over the slices); ${fmt.int(session.keysInLoad)} distinct keys cycled, ${fmt.int(session.keysStored)} stored; every Keyward call authenticated with a root key; Keyward logs at info (the default)${options.usageFlushMs ? `; usage flush every ${options.usageFlushMs} ms (diagnosis)` : ""}`,
      ...(session.profileFile ? [`CPU profile of the Keyward server while measured: ${session.profileFile} (npm run bench:profile-summary -- <file>)`] : []),
      `Keyward's event-loop delay while measured: p50 ${fmt.ms(loopDelay.p50)}, p99 ${fmt.ms(loopDelay.p99)}, max ${fmt.ms(loopDelay.max)}`,
      `database while loaded: ${writes.requestPathWrites} writes on the request path${writes.examples.length ? ` (${writes.examples.join("; ")})` : ""}, ${writes.reads} reads; ` +
        `in the background ${writes.usageFlushes} usage-flush transactions (${fmt.int(writes.usageFlushWrites)} statements) and ${writes.backgroundJobWrites} webhook-outbox claims (its worker's timer; they and its polling reads are counted here with the rest)`,
    ],
  };
  printCase("case 2: HTTP verify (wrk)", table(["server", "req/s", "p50", "p99", "errors", "req/s vs floor", "p99 vs floor"], rows), result);
  if (floor.non2xx + control.non2xx + keyward.non2xx > 0) throw new Error(`non-2xx answers under load: floor ${floor.non2xx}, control ${control.non2xx}, keyward ${keyward.non2xx}`);
  return result;
}
