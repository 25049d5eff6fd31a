// Keyward as the HTTP and memory cases run it: the real server (startServer, the production defaults,
// request logging at the default level to stdout), with SQLite's write statements counted.
import { monitorEventLoopDelay } from "node:perf_hooks";
import { loadConfig } from "../../src/config/index.js";
import { startServer } from "../../src/server/start.js";
import { usageWriterCounts } from "../../src/storage/sqlite/usage-writer.js";
import { failToParent, serveParent } from "../support/processes.js";
import { startProfile, stopProfile } from "../support/profiler.js";
import { installWriteCounter, resetWriteCounts, writeCounts } from "../support/sqlite-writes.js";

try {
  installWriteCounter();
  const env = process.env;
  const config = loadConfig({}, {
    host: "127.0.0.1",
    port: 0,
    databaseUrl: env.BENCH_DATABASE_URL!,
    ...(env.BENCH_LOG_LEVEL ? { logLevel: env.BENCH_LOG_LEVEL as "info" } : {}),
    ...(env.BENCH_CACHE_MAX_ENTRIES ? { cacheMaxEntries: Number(env.BENCH_CACHE_MAX_ENTRIES) } : {}),
    ...(env.BENCH_USAGE_FLUSH_MS ? { usageFlushIntervalMs: Number(env.BENCH_USAGE_FLUSH_MS) } : {}),
  });
  const server = await startServer(config, { announce: () => {} });
  let flushesAtReset = { ...usageWriterCounts };
  // Event-loop delay while measured: tells a stall inside the server (a long synchronous task) from
  // latency the machine adds (the process waiting for a core).
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  process.on("message", (message: { type: string }) => {
    if (message.type === "reset") {
      resetWriteCounts();
      flushesAtReset = { ...usageWriterCounts };
      loopDelay.reset();
      loopDelay.enable();
    }
    // The profile covers the measured window only (BENCH_PROFILE names the file).
    if (message.type === "reset" && env.BENCH_PROFILE) void startProfile();
    if (message.type === "stats" && env.BENCH_PROFILE) void stopProfile(env.BENCH_PROFILE);
  });
  serveParent(Number(new URL(server.url).port), () => ({
    // Usage flushes run on the SQLite usage writer's own thread and connection: counted by the writer.
    writes: {
      ...writeCounts(),
      usageFlushes: writeCounts().usageFlushes + usageWriterCounts.transactions - flushesAtReset.transactions,
      usageFlushWrites: writeCounts().usageFlushWrites + usageWriterCounts.statements - flushesAtReset.statements,
    },
    loopDelayMs: { p50: loopDelay.percentile(50) / 1e6, p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 },
  }), () => server.close());
} catch (error) {
  failToParent(error);
}
