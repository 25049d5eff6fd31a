// The framework control of the HTTP case: Fastify (the version Keyward runs on) with the floor's work
// in one route (SHA-256, Map lookup), no logger, no auth, no schema. It shows how much of the distance
// between Keyward and the floor is the framework's own per-request pipeline.
import Fastify from "fastify";
import { benchKey } from "../support/dataset.js";
import { failToParent, serveParent } from "../support/processes.js";
import { sha256Hex } from "../support/sha256.js";

try {
  const count = Number(process.env.BENCH_KEYS ?? "100000");
  const known = new Map<string, { keyId: string }>();
  for (let index = 0; index < count; index++) known.set(sha256Hex(benchKey(index)), { keyId: `key_${index}` });
  const app = Fastify({ logger: false });
  app.post("/v1/keys/verify", async (request) => {
    const key = (request.body as { key?: unknown } | null)?.key;
    const found = typeof key === "string" ? known.get(sha256Hex(key)) : undefined;
    return found ? { valid: true, keyId: found.keyId } : { valid: false, keyId: null };
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  serveParent(typeof address === "object" && address ? address.port : 0, () => ({}), () => app.close());
} catch (error) {
  failToParent(error);
}
