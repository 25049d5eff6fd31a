// The peer of case 3: Better Auth with its api-key plugin, set up as its docs say (betterAuth with the
// apiKey() plugin, a better-sqlite3 database, the schema from its own migrations), serving the same
// verify over the same node:http wrapper as the floor. JavaScript, not TypeScript: the peer's packages
// exist only after `npm install --prefix bench/peers`, and the repo's type check must not need them.
//
// The one departure from the defaults: the plugin's rate limit is turned off (documented option
// `rateLimit.enabled`). Its default, 10 requests a day per key, would refuse nearly every call of a load
// test; Keyward's keys in the HTTP case have no limit either.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import Database from "better-sqlite3";
import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import { apiKey } from "@better-auth/api-key";
import { createVerifyServer, listen } from "../support/http-wrapper.ts";
import { failToParent, serveParent } from "../support/processes.ts";

try {
  const count = Number(process.env.BENCH_PEER_KEYS ?? "1000");
  const file = process.env.BENCH_PEER_DB;
  const keysFile = `${file}.keys.json`;
  const fresh = !existsSync(file) || !existsSync(keysFile);
  if (fresh) for (const suffix of ["", "-wal", "-shm", ".keys.json"]) rmSync(file + suffix, { force: true });

  const database = new Database(file);
  database.pragma("journal_mode = WAL");
  const auth = betterAuth({
    database,
    baseURL: "http://127.0.0.1",
    // Bench only: a fixed secret for a throw-away database.
    secret: "keyward-bench-peer-secret-0123456789abcdef",
    telemetry: { enabled: false },
    logger: { disabled: true },
    plugins: [apiKey({ rateLimit: { enabled: false } })],
  });

  let keys;
  if (fresh) {
    const { runMigrations } = await getMigrations(auth.options);
    await runMigrations();
    const context = await auth.$context;
    const user = await context.internalAdapter.createUser({ email: "bench@example.com", name: "bench", emailVerified: true });
    keys = [];
    for (let index = 0; index < count; index++) {
      const created = await auth.api.createApiKey({ body: { userId: user.id, name: `bench-${index}` } });
      keys.push(created.key);
    }
    // Bench data only (gitignored): the secrets the load generator sends.
    writeFileSync(keysFile, JSON.stringify(keys));
  } else {
    keys = JSON.parse(readFileSync(keysFile, "utf8"));
  }

  const server = createVerifyServer((body) => auth.api.verifyApiKey({ body: { key: typeof body.key === "string" ? body.key : "" } }));
  const port = await listen(server);
  serveParent(port, () => ({ keysFile, keys: keys.length }), () => new Promise((resolve) => server.close(() => resolve())));
} catch (error) {
  failToParent(error);
}
