// Load drivers for `npm run bench:gateway`: wrk (the Debian package, installed with apt-get when
// missing) or, when wrk cannot be had, a built-in undici loop. Both report req/s and p99 latency.
import { spawn, spawnSync } from "node:child_process";
import { Pool } from "undici";

export interface LoadResult {
  driver: "wrk" | "undici";
  requestsPerSecond: number;
  p99Ms: number;
  /** Non-2xx answers and socket errors; a valid run has none. */
  errors: number;
}

export interface Load {
  url: string;
  headers: Record<string, string>;
  connections: number;
  seconds: number;
}

const hasWrk = () => spawnSync("wrk", ["--version"], { stdio: "ignore" }).error === undefined;

/** True when wrk is there, installing it first when possible (root and apt-get), and saying so. */
export function ensureWrk(log: (line: string) => void): boolean {
  if (hasWrk()) return true;
  if (process.getuid?.() !== 0 || spawnSync("apt-get", ["--version"], { stdio: "ignore" }).error) return false;
  log("wrk not found: installing it with `apt-get install -y wrk` (Debian package)");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  if (spawnSync("apt-get", ["install", "-y", "--no-install-recommends", "wrk"], { stdio: "inherit", env }).status !== 0) {
    spawnSync("apt-get", ["update"], { stdio: "inherit", env });
    spawnSync("apt-get", ["install", "-y", "--no-install-recommends", "wrk"], { stdio: "inherit", env });
  }
  return hasWrk();
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function parseMs(text: string): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
  return match ? Number(match[1]) * UNIT_MS[match[2]!]! : Number.NaN;
}

export async function runWrk(load: Load): Promise<LoadResult> {
  const args = ["-t1", `-c${load.connections}`, `-d${load.seconds}s`, "--latency", ...Object.entries(load.headers).flatMap(([name, value]) => ["-H", `${name}: ${value}`]), load.url];
  const child = spawn("wrk", args, { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
  const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
  const p99 = /^\s+99%\s+(\S+)/m.exec(out);
  if (code !== 0 || !rps || !p99) throw new Error(`wrk failed (${code}):\n${out}`);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const errors = non2xx + (socket ? socket.slice(1).reduce((sum, value) => sum + Number(value), 0) : 0);
  return { driver: "wrk", requestsPerSecond: Number(rps[1]), p99Ms: parseMs(p99[1]!), errors };
}

/** The fallback: `connections` loops, each with one request in flight on its own kept-alive connection. */
export async function runUndiciLoop(load: Load): Promise<LoadResult> {
  const url = new URL(load.url);
  const pool = new Pool(url.origin, { connections: load.connections, pipelining: 1 });
  const latencies: number[] = [];
  let errors = 0;
  const deadline = performance.now() + load.seconds * 1000;
  const loop = async () => {
    while (performance.now() < deadline) {
      const started = performance.now();
      try {
        const response = await pool.request({ method: "GET", path: url.pathname + url.search, headers: load.headers });
        await response.body.dump();
        if (response.statusCode >= 300) errors++;
      } catch {
        errors++;
      }
      latencies.push(performance.now() - started);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: load.connections }, loop));
  const elapsed = (performance.now() - started) / 1000;
  await pool.close();
  latencies.sort((a, b) => a - b);
  return { driver: "undici", requestsPerSecond: latencies.length / elapsed, p99Ms: latencies[Math.floor(latencies.length * 0.99)] ?? Number.NaN, errors };
}
