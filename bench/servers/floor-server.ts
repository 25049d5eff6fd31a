// The floor server of the HTTP case: node:http, read the key from the body, SHA-256 it, look it up in
// a Map of the dataset's hashes. No framework, no auth, nothing else: what any verify service costs at least.
import { benchKey } from "../support/dataset.js";
import { createVerifyServer, listen } from "../support/http-wrapper.js";
import { sha256Hex } from "../support/sha256.js";
import { failToParent, serveParent } from "../support/processes.js";

try {
  const count = Number(process.env.BENCH_KEYS ?? "100000");
  const known = new Map<string, { keyId: string }>();
  for (let index = 0; index < count; index++) known.set(sha256Hex(benchKey(index)), { keyId: `key_${index}` });
  const server = createVerifyServer((body) => {
    const found = typeof body.key === "string" ? known.get(sha256Hex(body.key)) : undefined;
    return found ? { valid: true, keyId: found.keyId } : { valid: false, keyId: null };
  });
  const port = await listen(server);
  serveParent(port, () => ({}), () => new Promise((resolve) => server.close(() => resolve())));
} catch (error) {
  failToParent(error);
}
