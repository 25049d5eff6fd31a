// The Fastify plugin, in a real Fastify app listening on loopback, against a real Keyward.
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keyward } from "../../src/sdk/fastify.js";
import { startKeyward, type TestKeyward } from "./support/keyward-server.js";
import { describeMiddleware, type Mount } from "./support/middleware-scenarios.js";

const mount: Mount = async (options) => {
  const app = Fastify();
  await app.register(keyward(options));
  app.get("/whoami", async (request) => ({ keyward: request.keyward }));
  const url = await app.listen({ host: "127.0.0.1", port: 0 });
  return { url, close: () => app.close() };
};

describeMiddleware("Fastify", mount);

describe("Fastify plugin scope", () => {
  let kw: TestKeyward;
  beforeAll(async () => {
    kw = await startKeyward();
  });
  afterAll(() => kw?.close());

  it("protects the context that registers it and nothing outside it", async () => {
    const app = Fastify();
    app.get("/public", async () => ({ open: true }));
    await app.register(async (scope) => {
      await scope.register(keyward({ baseUrl: kw.url, rootKey: kw.verifyRootKey, logger: false }));
      scope.get("/private", async (request) => ({ keyId: request.keyward?.keyId }));
    });
    await app.register(async (scope) => {
      await scope.register(keyward({ baseUrl: kw.url, rootKey: kw.verifyRootKey, permissions: "admin:*", logger: false }));
      scope.get("/admin", async () => ({ admin: true }));
    });
    const key = await kw.createKey({ permissions: ["docs:read"] });
    expect((await app.inject({ url: "/public" })).statusCode).toBe(200);
    expect((await app.inject({ url: "/private" })).statusCode).toBe(401);
    expect((await app.inject({ url: "/private", headers: { "x-api-key": key.key } })).json()).toEqual({ keyId: key.id });
    expect((await app.inject({ url: "/admin", headers: { "x-api-key": key.key } })).statusCode).toBe(403);
    await app.close();
  });

  it("logs through the app's own logger by default", async () => {
    const lines: string[] = [];
    const app = Fastify({ logger: { level: "warn", stream: { write: (line: string) => void lines.push(line) } } });
    await app.register(keyward({ baseUrl: "http://127.0.0.1:9", rootKey: kw.verifyRootKey, retries: 0 }));
    app.get("/x", async () => "ok");
    const key = (await kw.createKey()).key;
    const reply = await app.inject({ url: "/x", headers: { authorization: `Bearer ${key}` } });
    expect(reply.statusCode).toBe(503);
    expect(lines.join("")).toContain("Keyward unreachable");
    expect(lines.join("")).not.toContain(key);
    await app.close();
  });
});
