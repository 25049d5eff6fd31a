// Case 5: memory of a Keyward server process with 1,000,000 stored keys after verifying 100,000
// distinct ones over HTTP (all of them then sit in the verify cache): peak RSS as the kernel counts it.
import { Pool } from "undici";
import { benchKey, sqliteDataset } from "../support/dataset.js";
import type { BenchOptions } from "../support/options.js";
import { startServerProcess, type ServerProcess } from "../support/processes.js";
import { fmt, printCase, table, type CaseResult } from "../support/report.js";
import { VERIFY_PATH } from "../support/http-load.js";

const TARGET_MB = 400;

export async function memoryCase(options: BenchOptions): Promise<CaseResult> {
  const stored = options.smoke ? 3_000 : 1_000_000;
  const distinct = options.smoke ? 1_000 : 100_000;
  const dataset = await sqliteDataset(stored);
  let server: ServerProcess | null = null;
  try {
    server = await startServerProcess("servers/keyward-server.ts", { env: { BENCH_DATABASE_URL: dataset.databaseUrl } });
    const atStart = await server.stats();
    const pool = new Pool(server.url, { connections: 16, pipelining: 1 });
    const headers = { "content-type": "application/json", authorization: `Bearer ${dataset.rootKey}` };
    const started = performance.now();
    let next = 0;
    let invalid = 0;
    // Keys spread over the whole table: index i * stride reaches the last rows as well as the first.
    const stride = Math.floor(stored / distinct);
    const worker = async () => {
      while (next < distinct) {
        const key = benchKey(next++ * stride);
        const response = await pool.request({ method: "POST", path: VERIFY_PATH, headers, body: JSON.stringify({ key }) });
        const json = (await response.body.json()) as { valid?: boolean };
        if (response.statusCode !== 200 || json.valid !== true) invalid++;
      }
    };
    await Promise.all(Array.from({ length: 32 }, worker));
    const seconds = (performance.now() - started) / 1000;
    await pool.close();
    const end = await server.stats();
    if (invalid > 0) throw new Error(`${invalid} of ${distinct} verifications were not valid`);
    const peakMb = end.maxRss / 1024 / 1024;
    const rows = [
      ["at start (after listen)", fmt.mb(atStart.rss), fmt.mb(atStart.maxRss)],
      [`after ${fmt.int(distinct)} distinct verifications`, fmt.mb(end.rss), fmt.mb(end.maxRss)],
    ];
    const result: CaseResult = {
      case: "memory",
      data: { stored, distinct, seconds, rssAtStart: atStart.rss, rssAtEnd: end.rss, peakRss: end.maxRss, peakRssMb: peakMb },
      targets: [{ name: `peak RSS ≤ ${TARGET_MB} MB with ${fmt.int(stored)} keys stored, ${fmt.int(distinct)} verified`, actual: peakMb, met: peakMb <= TARGET_MB }],
      notes: [
        `${fmt.int(distinct)} distinct keys verified over HTTP in ${seconds.toFixed(1)} s (32 in flight; every one a cache miss and a store read, then cached); the real server with its default cache (200,000 entries)`,
      ],
    };
    printCase("case 5: memory", table(["server process", "RSS", "peak RSS"], rows), result);
    return result;
  } finally {
    await server?.stop();
  }
}
