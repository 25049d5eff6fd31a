// Large bodies stream through the gateway both ways (checked by hash) without the gateway holding
// them. The gateway runs as the real CLI in its own process, so its memory is its own. V8 frees
// released buffers lazily (at some tens of MB of them), so a streaming proxy's peak memory rises by
// a bounded amount whatever the body size, while a buffering one grows by at least the largest body:
// after a 200 MB body the growth must stay under half of it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "undici";
import { ensureBuilt } from "../e2e/support/keyward-process.js";
import { startKeyward, type TestKeyward } from "./support/gateway.js";
import { spawnGateway, type GatewayProcess } from "./support/gateway-process.js";
import { generated, sha256Of, startUpstream, type Upstream } from "./support/upstream.js";

const MB = 1024 * 1024;
const SIZE = 50 * MB;
const LARGE = 200 * MB;
let k: TestKeyward;
let upstream: Upstream;
let gateway: GatewayProcess;
let key: string;

beforeAll(async () => {
  await ensureBuilt();
  [k, upstream] = await Promise.all([startKeyward(), startUpstream()]);
  const api = await k.f.api();
  key = (await k.f.key({ apiId: api.id })).key;
  gateway = await spawnGateway(["--upstream", upstream.url, "--api", api.id, "--mode", "embedded"], { KEYWARD_DATABASE_URL: k.h.databaseFile }, k.h.dir);
  // Warm up (first verification, first upstream connection) before the baseline is taken.
  const warm = await request(`${gateway.url}/warm`, { headers: { authorization: `Bearer ${key}` } });
  await warm.body.dump();
}, 200_000);
afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
  await k?.close();
});

const expected = (size: number, seed: number) => sha256Of(generated(size, seed));

describe("streaming through the gateway", () => {
  it("carries 50 MB up, down and both ways at once, then 200 MB both ways, byte for byte, without buffering", async () => {
    const baseline = gateway.peakRss();
    const headers = { authorization: `Bearer ${key}`, "content-type": "application/octet-stream" };

    // Upload with a declared length: the upstream hashes what arrived.
    const upload = await request(`${gateway.url}/upload`, { method: "POST", headers: { ...headers, "content-length": String(SIZE) }, body: generated(SIZE, 7) });
    expect(upload.statusCode).toBe(200);
    expect(await upload.body.json()).toEqual({ hash: (await expected(SIZE, 7)).hash, bytes: SIZE });

    // Download: the upstream generates, the client hashes.
    const download = await request(`${gateway.url}/download?bytes=${SIZE}&seed=9`, { headers });
    expect(download.statusCode).toBe(200);
    expect(await sha256Of(download.body)).toEqual(await expected(SIZE, 9));

    // Both ways at once, chunked: the upstream echoes the body while it is still arriving.
    for (const [size, seed] of [[SIZE, 11], [LARGE, 13]] as const) {
      const echo = await request(`${gateway.url}/echo`, { method: "PUT", headers, body: generated(size, seed) });
      expect(echo.statusCode).toBe(200);
      expect(await sha256Of(echo.body)).toEqual(await expected(size, seed));
    }

    const peak = gateway.peakRss();
    if (baseline === null || peak === null) return void console.warn("no /proc: the memory half of this test was skipped");
    expect(peak - baseline, `peak RSS grew from ${Math.round(baseline / MB)} MB to ${Math.round(peak / MB)} MB`).toBeLessThan(LARGE / 2);
  }, 180_000);
});
