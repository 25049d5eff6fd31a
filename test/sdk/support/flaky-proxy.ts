// A local HTTP server in front of Keyward that fails on purpose: answers 503 to the first `failures`
// requests, or never answers at all (`hang`), and records every request it saw.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export interface FlakyProxy {
  url: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

export async function startFlakyProxy(target: string, behaviour: { failures?: number; hang?: boolean }): Promise<FlakyProxy> {
  const seen: SeenRequest[] = [];
  const held: ServerResponse[] = [];
  let failures = behaviour.failures ?? 0;
  const server = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
    if (behaviour.hang) return void held.push(res);
    if (failures > 0) {
      failures -= 1;
      res.writeHead(503, { "content-type": "application/problem+json" });
      return void res.end(JSON.stringify({ type: "about:blank", title: "Unavailable", status: 503, code: "UPSTREAM_DOWN" }));
    }
    const headers = new Headers();
    for (const name of ["authorization", "content-type"]) if (req.headers[name]) headers.set(name, String(req.headers[name]));
    const answer = await fetch(target + req.url, { method: req.method, headers, ...(body ? { body } : {}) });
    res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" });
    res.end(await answer.text());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        for (const res of held) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
