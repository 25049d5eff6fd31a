// `npm run bench:audit`: audit chain verification in entries per second, against a baseline measured in
// the same run: plain SHA-256 over the very bytes verification hashes (each entry's canonical encoding
// as UTF-8, prepared beforehand, untimed). Both are fed in pages of 2000, as GET /v1/audit/verify reads
// them from the database. Target: at least 100 000 entries/s.
// Options: --entries N (default 200000), --rounds N (default 5), --shape mix|update: `mix` is a
// management log (key creates, updates and revokes with full key views, identities, roles, APIs);
// `update` is the heaviest common entry only (key.update: two full key views, ~1.9 kB).
// --store sqlite|postgres (repeatable as a comma list; postgres needs --postgres URL or
// KEYWARD_TEST_POSTGRES_URL): the same chain written to a real store, then verified as
// GET /v1/audit/verify does (verifyStoredChain: paged reads + verification), next to reading the same
// pages alone, in the same run.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { verifyStoredChain } from "../src/audit/verify-stored-chain.js";
import { createPostgresStore, createSqliteStore, type Store } from "../src/storage/index.js";
import { keyAuditView } from "../src/audit/audit-views.js";
import { auditView, createChainVerifier, createId, encodeEntry, generateKey, sealEntry, sha256Hex, type AuditEntry, type KeyRecord } from "../src/core/index.js";

const { values } = parseArgs({
  options: {
    entries: { type: "string", default: "200000" },
    rounds: { type: "string", default: "5" },
    shape: { type: "string", default: "mix" },
    store: { type: "string", default: "" },
    postgres: { type: "string", default: process.env.KEYWARD_TEST_POSTGRES_URL ?? "" },
  },
});
const shape = values.shape === "update" ? "update" : "mix";
const count = Math.max(1_000, Number(values.entries) || 200_000);
const rounds = Math.min(20, Math.max(1, Number(values.rounds) || 5));
const TARGET = 100_000;
const PAGE = 2_000;
/** Distinct key views the entries draw from: realistic sizes without holding gigabytes of text. */
const VIEWS = 1_000;

function keyRecord(index: number, now: Date): KeyRecord {
  const generated = generateKey("acme", "live", randomBytes);
  return {
    id: createId("key", now, randomBytes),
    workspaceId: "ws_bench",
    apiId: "api_3ZbE0TqvX5oHn9Kq2mWc1a",
    hash: generated.hash,
    start: generated.start,
    environment: "live",
    name: `customer key ${index}`,
    identityId: createId("id", now, randomBytes),
    permissions: ["documents:read", "documents:write", "billing:read"],
    roleIds: [createId("role", now, randomBytes)],
    enabled: index % 2 === 0,
    expiresAt: new Date(now.getTime() + 86_400_000),
    restrictions: { ipAllowlist: ["203.0.113.0/24"] },
    meta: { plan: "gold", region: "eu-west-1", seats: index % 50 },
    createdAt: now,
    updatedAt: now,
    lastUsedAt: null,
    verificationCount: 0,
    revokedAt: null,
    revokedReason: null,
    ratelimits: [{ name: "burst", limit: 100, durationMs: 1_000, autoApply: true }],
    credits: { ownerId: "", workspaceId: "ws_bench", remaining: 1_000 - (index % 1_000), refill: { amount: 1_000, interval: "monthly" }, refilledAt: now, lowThreshold: 50, lowAt: null, updatedAt: now },
  };
}

/**
 * Text as a database driver hands it back: one flat string. canonicalJson builds its output by
 * concatenation, and V8 keeps such a string as a tree that every later concatenation walks again.
 */
const asRead = (text: string | null) => (text === null ? null : Buffer.from(text, "utf8").toString("utf8"));

function buildChain(): AuditEntry[] {
  const entries: AuditEntry[] = [];
  const start = Date.UTC(2025, 0, 1);
  const views = Array.from({ length: VIEWS }, (_, i) => {
    const key = keyRecord(i, new Date(start));
    const after = auditView(keyAuditView({ ...key, enabled: !key.enabled, updatedAt: new Date(start + 1) }));
    return { key, before: asRead(auditView(keyAuditView(key))), after: asRead(after) };
  });
  const small = asRead(auditView({ id: "role_3ZbE0TqvX5oHn9Kq2mWc1a", name: "support", description: null, permissions: ["tickets:read"], createdAt: "2025-01-01T00:00:00.000Z" }));
  /** One in ten: 4 key.create, 3 key.update, 1 key.revoke, 2 small (identities, roles, APIs). */
  const MIX = ["key.create", "key.update", "key.create", "key.update", "small", "key.create", "key.revoke", "key.update", "small", "key.create"] as const;
  let head: { seq: number; hash: string } | null = null;
  for (let i = 0; i < count; i++) {
    const now = new Date(start + i * 1_000);
    const view = views[i % VIEWS]!;
    const kind = shape === "update" ? "key.update" : MIX[i % MIX.length]!;
    const { key } = view;
    const [action, before, after] =
      kind === "small" ? (["role.update", small, small] as const) : kind === "key.create" ? ([kind, null, view.after] as const) : ([kind, view.before, view.after] as const);
    const entry = sealEntry(
      {
        id: createId("aud", now, randomBytes),
        workspaceId: "ws_bench",
        time: now,
        actor: { type: "root_key", id: "key_3ZbE0TqvX5oHn9Kq2mWc1b" },
        action,
        target: { type: "key", id: key.id },
        before,
        after,
        requestId: "0ad0525e-0a44-4726-ab85-8098db865714",
        sourceIp: "203.0.113.7",
        userAgent: "keyward-cli/0.1.0",
      },
      head,
    );
    entries.push(entry);
    head = entry;
  }
  return entries;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Entries per second of `work` over every page; `prepare` (untimed) turns a page into its input. */
function rate<T>(entries: AuditEntry[], prepare: (page: AuditEntry[]) => T, work: (input: T) => void, finish: () => void = () => {}): number {
  let nanoseconds = 0n;
  for (let at = 0; at < entries.length; at += PAGE) {
    const input = prepare(entries.slice(at, at + PAGE));
    const started = process.hrtime.bigint();
    work(input);
    nanoseconds += process.hrtime.bigint() - started;
  }
  const started = process.hrtime.bigint();
  finish();
  nanoseconds += process.hrtime.bigint() - started;
  return entries.length / (Number(nanoseconds) / 1e9);
}

const format = (perSecond: number) => `${Math.round(perSecond).toLocaleString("en-US")} entries/s`;

/** Writes the chain's entries into a fresh workspace of `store`, 5000 per transaction. */
async function fill(store: Store, entries: AuditEntry[]): Promise<string> {
  const workspaceId = createId("ws", new Date(), randomBytes);
  await store.workspaces.create({ id: workspaceId, name: "audit bench", now: new Date() });
  for (let at = 0; at < entries.length; at += 5_000) {
    await store.transaction(async (tx) => {
      for (const entry of entries.slice(at, at + 5_000)) await tx.audit.append({ ...entry, workspaceId });
    });
  }
  return workspaceId;
}

async function readAll(store: Store, workspaceId: string): Promise<number> {
  let read = 0;
  for (let afterSeq = 0; ; ) {
    const page = await store.audit.scan(workspaceId, afterSeq, PAGE);
    read += page.length;
    if (page.length < PAGE) return read;
    afterSeq = page[page.length - 1]!.seq;
  }
}

async function throughStore(name: string, entries: AuditEntry[]): Promise<boolean> {
  let store: Store;
  let cleanup = () => {};
  if (name === "postgres") {
    if (!values.postgres) {
      process.stdout.write("store postgres: skipped (no --postgres URL and no KEYWARD_TEST_POSTGRES_URL)\n");
      return true;
    }
    store = await createPostgresStore({ connectionString: values.postgres, schema: `audit_bench_${process.pid}` });
  } else {
    const dir = mkdtempSync(join(tmpdir(), "keyward-audit-bench-"));
    cleanup = () => rmSync(dir, { recursive: true, force: true });
    store = await createSqliteStore({ filename: join(dir, "keyward.db") });
  }
  try {
    const started = performance.now();
    const workspaceId = await fill(store, entries);
    process.stdout.write(`store ${name}: ${entries.length.toLocaleString("en-US")} entries appended in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    const reads: number[] = [];
    const verifies: number[] = [];
    for (let round = 0; round < rounds; round++) {
      let at = performance.now();
      const read = await readAll(store, workspaceId);
      reads.push(read / ((performance.now() - at) / 1000));
      at = performance.now();
      const verdict = await verifyStoredChain(store.audit, workspaceId);
      verifies.push(verdict.entries / ((performance.now() - at) / 1000));
      if (!verdict.valid || verdict.entries !== entries.length) throw new Error(`the stored chain did not verify on ${name}`);
    }
    const verified = median(verifies);
    const read = median(reads);
    process.stdout.write(
      [
        `store ${name}: reading the pages alone             ${format(read)}`,
        `store ${name}: read + verify (verifyStoredChain)   ${format(verified)}  (${((verified / read) * 100).toFixed(0)}% of reading alone)`,
        `store ${name}: target ${format(TARGET)}: ${verified >= TARGET ? "met" : "NOT met"}`,
        "",
      ].join("\n"),
    );
    return verified >= TARGET;
  } finally {
    await store.close();
    cleanup();
  }
}

async function main(): Promise<void> {
  process.stdout.write(`building a chain of ${count.toLocaleString("en-US")} entries…\n`);
  const entries = buildChain();
  const averageBytes = entries.slice(0, VIEWS).reduce((sum, entry) => sum + Buffer.byteLength(encodeEntry(entry)), 0) / Math.min(VIEWS, count);
  const head = { seq: entries[count - 1]!.seq, hash: entries[count - 1]!.hash };

  const baseline: number[] = [];
  const verify: number[] = [];
  for (let round = 0; round < rounds; round++) {
    baseline.push(
      rate(
        entries,
        (page) => page.map((entry) => Buffer.from(encodeEntry(entry))),
        (buffers) => {
          for (const bytes of buffers) sha256Hex(bytes);
        },
      ),
    );
    const verifier = createChainVerifier({ head });
    verify.push(
      rate(
        entries,
        (page) => page,
        (page) => {
          for (const entry of page) verifier.push(entry);
        },
        () => {
          const verdict = verifier.finish();
          if (!verdict.valid || verdict.entries !== count) throw new Error("the benchmark chain did not verify");
        },
      ),
    );
  }
  const verified = median(verify);
  const plain = median(baseline);
  const best = (values: number[]) => format(Math.max(...values));
  process.stdout.write(
    [
      `entries: ${count.toLocaleString("en-US")} (${shape}), ${Math.round(averageBytes)} bytes each on average (canonical encoding), median of ${rounds} rounds`,
      `baseline  SHA-256 over the same bytes   ${format(plain)}  (best ${best(baseline)})`,
      `verify    encode + hash + links + head  ${format(verified)}  (best ${best(verify)}; ${((verified / plain) * 100).toFixed(0)}% of the baseline)`,
      `target    ${format(TARGET)}: ${verified >= TARGET ? "met" : "NOT met"}`,
      "",
    ].join("\n"),
  );
  let met = verified >= TARGET;
  for (const name of values.store.split(",").filter(Boolean)) met = (await throughStore(name, entries)) && met;
  if (!met) process.exitCode = 1;
}

await main();
