// createStore: picks the adapter from the URL, creates a SQLite file's directory, refuses unknown schemes.
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { createPostgresStore, createStore, isPostgresUrl, type Store } from "../../src/storage/index.js";

const opened: Store[] = [];
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function open(url: string): Promise<Store> {
  const store = await createStore({ url });
  opened.push(store);
  return store;
}

describe("createStore", () => {
  it("recognises PostgreSQL URLs by scheme", () => {
    expect(isPostgresUrl("postgres://u@h/db")).toBe(true);
    expect(isPostgresUrl("postgresql://u@h/db")).toBe(true);
    expect(isPostgresUrl("./data/postgres.db")).toBe(false);
  });

  it("opens a SQLite file in a directory it creates", async () => {
    const dir = mkdtempSync(join(tmpdir(), "keyward-create-"));
    dirs.push(dir);
    const file = join(dir, "a", "b", "keyward.db");
    const store = await open(file);
    expect(existsSync(file)).toBe(true);
    expect(store.capabilities.sharedAcrossProcesses).toBe(false);
    expect(await store.workspaces.count()).toBe(0);
  });

  it("opens an in-memory SQLite database", async () => {
    const store = await open(":memory:");
    await store.workspaces.create({ id: "ws_0000000000000000000001", name: "mem", now: new Date(0) });
    expect(await store.workspaces.count()).toBe(1);
  });

  it("refuses other URL schemes and an empty URL instead of taking them for file names", async () => {
    await expect(createStore({ url: "mysql://user:secret@host/db" })).rejects.toThrow(/unsupported database URL scheme/);
    await expect(createStore({ url: "mysql://user:secret@host/db" })).rejects.not.toThrow(/secret/);
    await expect(createStore({ url: "  " })).rejects.toThrow(/empty/);
  });

  it("refuses a schema name that would need quoting", async () => {
    await expect(createPostgresStore({ connectionString: "postgres://127.0.0.1:1/x", schema: "bad; drop" })).rejects.toThrow(
      /invalid PostgreSQL schema name/,
    );
  });

  describe.runIf(Boolean(process.env.KEYWARD_TEST_POSTGRES_URL))("on PostgreSQL", () => {
    const url = process.env.KEYWARD_TEST_POSTGRES_URL!;
    const schemas: string[] = [];

    async function sql(text: string): Promise<pg.QueryResultRow[]> {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query(text)).rows;
      } finally {
        await client.end();
      }
    }

    function newSchema(): string {
      const schema = `keyward_create_${randomBytes(6).toString("hex")}`;
      schemas.push(schema);
      return schema;
    }

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
      for (const schema of schemas.splice(0)) await sql(`drop schema if exists "${schema}" cascade`);
    });

    it("creates the schema it is given and keeps everything in it", async () => {
      const schema = newSchema();
      const store = await createStore({ url, schema });
      opened.push(store);
      expect(store.capabilities).toEqual({ notifications: true, sharedAcrossProcesses: true });
      const tables = await sql(`select table_name from information_schema.tables where table_schema = '${schema}' order by 1`);
      expect(tables.map((row) => row.table_name)).toEqual(
        expect.arrayContaining(["apis", "identities", "key_roles", "keys", "kysely_migration", "permissions", "roles", "workspaces"]),
      );
    });

    it("migrates the connection's current schema even when another schema holds Keyward tables", async () => {
      const other = newSchema();
      opened.push(await createStore({ url, schema: other }));
      const current = newSchema();
      await sql(`create schema "${current}"`);
      const separator = url.includes("?") ? "&" : "?";
      const store = await open(`${url}${separator}options=${encodeURIComponent(`-c search_path=${current}`)}`);
      expect(await store.workspaces.count()).toBe(0);
      const rows = await sql(`select to_regclass('"${current}".keys') is not null as present`);
      expect(rows[0]?.present).toBe(true);
    });
  });
});
