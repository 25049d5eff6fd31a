// The verify route's request log lines (Fastify's "incoming request" / "request completed") are written
// at debug and trace only: at the default level (info) they would cost more than the verification. Every
// other route logs its requests at info as before.
import { afterEach, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../support/harness.js";

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

async function linesAt(level: string) {
  const lines: { msg?: string; req?: { url?: string }; reqId?: string }[] = [];
  h = await createHarness({ logger: { level, stream: { write: (line: string) => void lines.push(JSON.parse(line)) } } });
  lines.length = 0;
  const verify = await h.call("POST", "/v1/keys/verify", { key: h.rootKey });
  expect(verify.status).toBe(200);
  const workspace = await h.call("GET", "/v1/workspaces/current");
  expect(workspace.status).toBe(200);
  const requestLines = (url: string) => lines.filter((line) => line.msg === "incoming request" && line.req?.url === url).length;
  return { verify: requestLines("/v1/keys/verify"), workspace: requestLines("/v1/workspaces/current"), completed: lines.filter((line) => line.msg === "request completed").length };
}

describe("request logging on the verify route", () => {
  it("is off at info, while other routes still log their requests", async () => {
    const seen = await linesAt("info");
    expect(seen.verify).toBe(0);
    expect(seen.workspace).toBe(1);
    expect(seen.completed).toBe(1);
  });

  it("is on at debug, like every route", async () => {
    const seen = await linesAt("debug");
    expect(seen.verify).toBe(1);
    expect(seen.workspace).toBe(1);
    expect(seen.completed).toBe(2);
  });
});
