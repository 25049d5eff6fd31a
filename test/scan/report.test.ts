// `keyward scan --report` against a local stand-in for the leak-report endpoint (POST /v1/leaks; the real
// server end to end is test/leaks/server.test.ts): the whole key goes to the server, with the root
// key from the environment, and never to the terminal, even when the server fails.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt } from "../e2e/support/keyward-process.js";
import { commitAll, expectNoKey, keyward, makeRepo, newKey, removeTempDirs, write } from "./support.js";

interface Recorded {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

const ROOT_KEY = newKey("kwroot", "live");
const recorded: Recorded[] = [];
let answer: { status: number; body: (request: string) => string } = { status: 200, body: () => "{}" };
let server: Server;
let url = "";

beforeAll(async () => {
  await ensureBuilt();
  server = createServer((request, response) => {
    let text = "";
    request.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
    request.on("end", () => {
      recorded.push({ method: request.method!, url: request.url!, headers: request.headers, body: JSON.parse(text || "null") });
      response.writeHead(answer.status, { "content-type": "text/plain" }).end(answer.body(text));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}, 180_000);

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  removeTempDirs();
});

describe("keyward scan --report", () => {
  it("posts every finding with its whole key and source to /v1/leaks, and prints no key", async () => {
    const repo = makeRepo("report");
    const [buried, current] = [newKey(), newKey("kw", "test")];
    write(repo, { "old.env": `K=${buried}\n` });
    const added = commitAll(repo, "old");
    write(repo, { "old.env": "K=\n", "src/now.ts": `\nconst k = "${current}";\n` });
    commitAll(repo, "now");
    recorded.length = 0;
    const result = await keyward(["scan", "--git", "--report"], { cwd: repo, env: { KEYWARD_URL: url, KEYWARD_ROOT_KEY: ROOT_KEY } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/reported 2 finding\(s\) to Keyward/);
    expectNoKey(result.stdout + result.stderr, [buried, current, ROOT_KEY]);

    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ method: "POST", url: "/v1/leaks", headers: { authorization: `Bearer ${ROOT_KEY}`, "content-type": "application/json" } });
    expect(recorded[0]!.body).toEqual({
      findings: [
        { key: buried, source: { path: "old.env", line: 1, commit: added } },
        { key: current, source: { path: "src/now.ts", line: 2, commit: expect.stringMatching(/^[0-9a-f]{40}$/) } },
      ],
    });
  });

  it("sends nothing when nothing was found", async () => {
    const repo = makeRepo("report-clean");
    write(repo, { "a.txt": "clean\n" });
    recorded.length = 0;
    const result = await keyward(["scan", "--report"], { cwd: repo, env: { KEYWARD_URL: url, KEYWARD_ROOT_KEY: ROOT_KEY } });
    expect(result.code).toBe(0);
    expect(recorded).toHaveLength(0);
  });

  it("exits 2 when the server refuses, without echoing the key the server sent back", async () => {
    const repo = makeRepo("report-fail");
    const key = newKey();
    write(repo, { "a.env": `${key}\n` });
    answer = { status: 500, body: (request) => `upstream error while handling ${request}` };
    try {
      const result = await keyward(["scan", "--report"], { cwd: repo, env: { KEYWARD_URL: url, KEYWARD_ROOT_KEY: ROOT_KEY } });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/keyward: 500/);
      expect(result.stderr).toContain(`${key.slice(0, 14)}…`);
      expectNoKey(result.stdout + result.stderr, [key, ROOT_KEY]);
    } finally {
      answer = { status: 200, body: () => "{}" };
    }
  });

  it("exits 2 before scanning when the root key is missing", async () => {
    const repo = makeRepo("report-nokey");
    const result = await keyward(["scan", "--report"], { cwd: repo, env: { KEYWARD_URL: url } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/KEYWARD_ROOT_KEY/);
  });
});
