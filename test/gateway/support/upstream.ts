// A real upstream API for gateway tests: records what reached it, echoes it, streams generated bodies
// and hashes uploads, answers slowly on request.
import { createHash } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";

export interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

export interface Upstream {
  url: string;
  port: number;
  /** Every request that reached the upstream, in order. */
  seen: Seen[];
  close(): Promise<void>;
}

/** `bytes` of deterministic, incompressible-looking data in 64 KiB chunks, generated as it is read. */
export function generated(bytes: number, seed = 1): Readable {
  let left = bytes;
  let state = seed >>> 0 || 1;
  return new Readable({
    read() {
      if (left <= 0) return void this.push(null);
      const chunk = Buffer.allocUnsafe(65_536);
      for (let index = 0; index < chunk.length; index += 4) {
        // xorshift32: cheap and deterministic, so both ends can hash the same stream.
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        chunk.writeUInt32LE(state >>> 0, index);
      }
      const part = left < chunk.length ? chunk.subarray(0, left) : chunk;
      left -= part.length;
      this.push(part);
    },
  });
}

export async function sha256Of(stream: AsyncIterable<Buffer | string>): Promise<{ hash: string; bytes: number }> {
  const hash = createHash("sha256");
  let bytes = 0;
  for await (const chunk of stream) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { hash: hash.digest("hex"), bytes };
}

export async function startUpstream(): Promise<Upstream> {
  const seen: Seen[] = [];
  const server: Server = createServer(async (req, res) => {
    seen.push({ method: req.method!, url: req.url!, headers: req.headers });
    const url = new URL(req.url!, "http://upstream");
    if (url.pathname === "/slow") {
      await new Promise((resolve) => setTimeout(resolve, Number(url.searchParams.get("ms") ?? 1000)));
    }
    if (url.pathname === "/upload") {
      const { hash, bytes } = await sha256Of(req);
      res.writeHead(200, { "content-type": "application/json" });
      return void res.end(JSON.stringify({ hash, bytes }));
    }
    if (url.pathname === "/echo") {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      return void req.pipe(res);
    }
    if (url.pathname === "/download") {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      return void generated(Number(url.searchParams.get("bytes")), Number(url.searchParams.get("seed") ?? 1)).pipe(res);
    }
    req.resume();
    res.writeHead(200, { "content-type": "application/json", "set-cookie": ["a=1", "b=2"], "x-upstream": "yes" });
    res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
