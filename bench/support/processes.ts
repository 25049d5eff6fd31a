// Bench servers run in their own processes (one core for the server, one for wrk), started through
// tsx and steered over an IPC channel: "ready" with the port, "stats" on request, "stop" to end.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { BENCH_DIR, CACHE_DIR } from "./paths.js";

export interface ServerStats {
  /** Resident set size now, and its peak over the process's life, in bytes. */
  rss: number;
  maxRss: number;
  [key: string]: unknown;
}

export interface ServerProcess {
  url: string;
  pid: number;
  stats(): Promise<ServerStats>;
  /** A one-way message to the server (e.g. "reset" its counters). */
  signal(type: string): void;
  stop(): Promise<void>;
}

type Message = { type: "ready"; port: number } | { type: "stats"; stats: ServerStats } | { type: "error"; message: string };

/** Worker-thread entry files of src/ (the SQLite usage writer's thread). */
const THREAD_ENTRIES = ["src/storage/sqlite/usage-worker.ts"];

/**
 * A TypeScript server bundled to one JavaScript file (dependencies stay external), so it runs on plain
 * node as production does: through tsx, a loader thread would add ~30 MB to the RSS the memory case
 * measures. esbuild comes with tsx; without it the server runs through tsx.
 */
async function bundled(script: string): Promise<string | null> {
  try {
    const { build } = await import("esbuild");
    const outfile = join(CACHE_DIR, "build", script.replace(/[/\\]/g, "-").replace(/\.ts$/, ".mjs"));
    const common = { bundle: true, platform: "node", format: "esm", target: "node20", packages: "external", logLevel: "silent" } as const;
    await build({ entryPoints: [join(BENCH_DIR, script)], outfile, ...common });
    // Thread entry files that src/ finds next to its own module (`new URL("./x.js", import.meta.url)`),
    // so that they sit next to the bundle as they sit next to the compiled module in dist/.
    for (const threadEntry of THREAD_ENTRIES) {
      await build({ entryPoints: [join(BENCH_DIR, "..", threadEntry)], outfile: join(dirname(outfile), basename(threadEntry).replace(/\.ts$/, ".js")), ...common });
    }
    return outfile;
  } catch {
    return null;
  }
}

/** Starts `bench/<script>` (bundled TypeScript, or through tsx) and waits for its "ready" message. */
export async function startServerProcess(
  script: string,
  options: { env?: Record<string, string>; nodeArgs?: string[]; timeoutMs?: number; cwd?: string } = {},
): Promise<ServerProcess> {
  const file = script.endsWith(".ts") ? await bundled(script) : null;
  const entry = file ? [file] : ["--import", "tsx", join(BENCH_DIR, script)];
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...entry], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    // stdout is dropped (a server's request log costs what it costs in production, then goes nowhere).
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk) => {
    stderr = (stderr + String(chunk)).slice(-4000);
  });
  const waiters: ((message: Message) => void)[] = [];
  child.on("message", (message: Message) => waiters.shift()?.(message));
  const next = (timeoutMs: number) =>
    new Promise<Message>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${script} did not answer in ${timeoutMs} ms\n${stderr}`)), timeoutMs);
      const onExit = (code: number | null) => {
        clearTimeout(timer);
        reject(new Error(`${script} exited (${code}) before answering\n${stderr}`));
      };
      child.once("exit", onExit);
      waiters.push((message) => {
        clearTimeout(timer);
        child.off("exit", onExit);
        resolve(message);
      });
    });

  return next(options.timeoutMs ?? 300_000).then((message) => {
    if (message.type === "error") throw new Error(`${script}: ${message.message}\n${stderr}`);
    if (message.type !== "ready") throw new Error(`${script}: unexpected ${message.type}`);
    return {
      url: `http://127.0.0.1:${message.port}`,
      pid: child.pid!,
      async stats() {
        const answer = next(30_000);
        child.send({ type: "stats" });
        const message = await answer;
        if (message.type !== "stats") throw new Error(`${script}: expected stats, got ${message.type}`);
        return message.stats;
      },
      signal: (type: string) => void child.send({ type }),
      stop: () => stopChild(child),
    };
  }, (error: unknown) => {
    void stopChild(child);
    throw error;
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    if (child.connected) child.send({ type: "stop" });
    else child.kill("SIGTERM");
  });
}

/**
 * This process's peak RSS in bytes. Linux's VmHWM belongs to the process's own memory map, made at exec;
 * getrusage's maxrss does not: it starts from the forking parent's RSS (the bench, holding a dataset it
 * just built, once made a 140 MB server report a 447 MB peak). maxrss only where /proc is missing.
 */
function peakRss(): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"));
    if (match) return Number(match[1]) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}

/** The child side: announce readiness, answer stats, stop on request or when the parent goes away. */
export function serveParent(port: number, stats: () => Record<string, unknown>, stop: () => Promise<void>): void {
  const send = (message: unknown) => process.send?.(message);
  process.on("message", (message: { type: string }) => {
    if (message.type === "stats") {
      send({ type: "stats", stats: { rss: process.memoryUsage.rss(), maxRss: peakRss(), ...stats() } });
    } else if (message.type === "stop") {
      void stop().finally(() => process.exit(0));
    }
  });
  process.on("disconnect", () => void stop().finally(() => process.exit(0)));
  send({ type: "ready", port });
}

export function failToParent(error: unknown): never {
  process.send?.({ type: "error", message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
}
