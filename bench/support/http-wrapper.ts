// The minimal node:http wrapper that serves both the floor's and the peer's verify: read the JSON body,
// call `verify`, answer 200 with its JSON. The same wrapper for both, so they differ only in `verify`.
import { createServer, type Server } from "node:http";

export type VerifyFunction = (body: { key?: unknown }, authorization: string | undefined) => unknown;

export function createVerifyServer(verify: VerifyFunction): Server {
  return createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const answer = (status: number, body: unknown) => {
        const text = JSON.stringify(body);
        response.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
        response.end(text);
      };
      let body: { key?: unknown };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { key?: unknown };
      } catch {
        answer(400, { error: "body is not JSON" });
        return;
      }
      let result: unknown;
      try {
        result = verify(body, request.headers.authorization);
      } catch {
        answer(500, { error: "verify failed" });
        return;
      }
      // A synchronous verify (the floor) answers in the same tick; an async one (the peer) when it settles.
      if (result instanceof Promise) result.then((value) => answer(200, value), () => answer(500, { error: "verify failed" }));
      else answer(200, result);
    });
  });
}

export function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : 0);
    });
  });
}
