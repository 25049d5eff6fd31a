// What a user installs: package.json `exports` resolve `keyward/sdk`, `/express`, `/fastify` and
// `/hono` to built JavaScript with types. Builds src/sdk alone (as `npm run build` would emit it)
// into a temp package, then type-checks and runs a consumer that imports it by name.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const TSC = join(REPO, "node_modules", "typescript", "bin", "tsc");
const run = promisify(execFile);
const ENTRIES = { "./sdk": "index", "./sdk/express": "express", "./sdk/fastify": "fastify", "./sdk/hono": "hono" };

const CONSUMER = `
import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import { createKeywardClient, KeywardApiError, type VerifyKeyResult } from "keyward/sdk";
import { keyward as expressKeyward } from "keyward/sdk/express";
import { keyward as fastifyKeyward } from "keyward/sdk/fastify";
import { keyward as honoKeyward, type KeywardVariables } from "keyward/sdk/hono";

const options = { baseUrl: "http://127.0.0.1:8080", rootKey: "kwroot_live_x", apiId: "api_x" };
const app = express();
app.get("/", expressKeyward(options), (req, res) => { res.json({ id: req.keyward?.keyId }); });
const fastify = Fastify();
void fastify.register(fastifyKeyward(options));
fastify.get("/", async (request) => request.keyward?.identity?.externalId);
const hono = new Hono<{ Variables: KeywardVariables }>();
hono.use("*", honoKeyward(options));
hono.get("/", (c) => c.text(c.get("keyward")?.keyId ?? ""));
const client = createKeywardClient(options);
const answer: Promise<VerifyKeyResult> = client.verifyKey({ key: "k" });
void answer.catch((error: unknown) => error instanceof KeywardApiError);
`;

describe("package entry points", () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "keyward-sdk-package-"));
    const pkg = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8"));
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: pkg.name, type: "module", exports: pkg.exports }));
    symlinkSync(join(REPO, "node_modules"), join(dir, "node_modules"), "dir");
    const sources = Object.values(ENTRIES).map((name) => join(REPO, "src", "sdk", `${name}.ts`));
    const flags = ["--declaration", "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "ES2022", "--strict", "--skipLibCheck"];
    await run(process.execPath, [TSC, ...flags, "--rootDir", join(REPO, "src"), "--outDir", join(dir, "dist"), ...sources]);
  }, 120_000);
  afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

  it("exports each SDK entry with its types", () => {
    const pkg = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8"));
    for (const [entry, name] of Object.entries(ENTRIES)) {
      expect(pkg.exports[entry]).toEqual({ types: `./dist/sdk/${name}.d.ts`, default: `./dist/sdk/${name}.js` });
    }
  });

  it("type-checks an app that imports keyward/sdk/* by name", async () => {
    writeFileSync(join(dir, "consumer.ts"), CONSUMER);
    const flags = ["--noEmit", "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "ES2022", "--strict", "--skipLibCheck", "--types", "node"];
    const result = await run(process.execPath, [TSC, ...flags, join(dir, "consumer.ts")], { cwd: dir }).catch((error: { stdout: string }) => error);
    expect(result.stdout).toBe("");
  }, 60_000);

  it("type-checks the README's copy-paste examples against the built package", async () => {
    const readme = readFileSync(join(REPO, "README.md"), "utf8");
    const section = readme.split("<!-- sdk-examples:begin -->")[1]?.split("<!-- sdk-examples:end -->")[0] ?? "";
    const blocks = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!);
    expect(blocks.length).toBe(4);
    const files = blocks.map((code, index) => {
      const file = join(dir, `readme-${index}.ts`);
      writeFileSync(file, code);
      return file;
    });
    const flags = ["--noEmit", "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "ES2022", "--strict", "--skipLibCheck", "--types", "node"];
    const result = await run(process.execPath, [TSC, ...flags, ...files], { cwd: dir }).catch((error: { stdout: string }) => error);
    expect(result.stdout).toBe("");
  }, 60_000);

  it("loads every entry at run time", async () => {
    const script = `for (const entry of ${JSON.stringify(Object.keys(ENTRIES).map((entry) => `keyward${entry.slice(1)}`))}) { const m = await import(entry); console.log(entry, Object.keys(m).sort().join(",")); }`;
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], { cwd: dir });
    expect(stdout).toContain("keyward/sdk/express keyward\n");
    expect(stdout).toContain("keyward/sdk/fastify keyward\n");
    expect(stdout).toContain("keyward/sdk/hono keyward\n");
    expect(stdout).toMatch(/keyward\/sdk .*createKeywardClient/);
  }, 60_000);
});
