import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { addSecretsKey, loadSecretsKeys, SecretsKeyError, writeSecretsKey } from "./secrets-key.js";

describe("the secrets key file", () => {
  const dir = mkdtempSync(join(tmpdir(), "keyward-secrets-key-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is written with mode 0600, read back as one 32-byte key, and never overwritten", () => {
    const path = join(dir, "secrets.key");
    const id = writeSecretsKey(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const { keys, looseMode } = loadSecretsKeys(path);
    expect(keys.current.id).toBe(id);
    expect(keys.current.bytes).toHaveLength(32);
    expect([...keys.byId.keys()]).toEqual([id]);
    expect(looseMode).toBe(false);
    expect(() => writeSecretsKey(path)).toThrow(/exists already/);
    expect(loadSecretsKeys(path).keys.current.id).toBe(id);
  });

  it("rotates: a new key goes first and seals, the older ones stay and open", () => {
    const path = join(dir, "rotating.key");
    const first = writeSecretsKey(path);
    const second = addSecretsKey(path);
    expect(second).not.toBe(first);
    const { keys } = loadSecretsKeys(path);
    expect(keys.current.id).toBe(second);
    expect([...keys.byId.keys()].sort()).toEqual([first, second].sort());
    expect(readFileSync(path, "utf8").trim().split("\n")).toHaveLength(2);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it("refuses a file without a key, or with a line that is not base64 of 32 bytes, saying how to make one", () => {
    const short = join(dir, "short.key");
    writeFileSync(short, Buffer.alloc(16).toString("base64"));
    expect(() => loadSecretsKeys(short)).toThrow(/key 1 is not base64 of 32 bytes.*keyward secrets keygen/);
    const garbage = join(dir, "garbage.key");
    writeFileSync(garbage, `${Buffer.alloc(32, 1).toString("base64")}\nnot a key at all, but long enough to be mistaken for one\n`);
    expect(() => loadSecretsKeys(garbage)).toThrow(/key 2/);
    const empty = join(dir, "empty.key");
    writeFileSync(empty, "# nothing here\n\n");
    expect(() => loadSecretsKeys(empty)).toThrow(SecretsKeyError);
    expect(() => loadSecretsKeys(join(dir, "missing.key"))).toThrow(/cannot be read \(ENOENT\)/);
    expect(() => addSecretsKey(garbage)).toThrow(/key 2/);
  });

  it("says when group or others can read it", () => {
    const path = join(dir, "loose.key");
    writeFileSync(path, `${Buffer.alloc(32, 1).toString("base64")}\n`, { mode: 0o644 });
    expect(loadSecretsKeys(path).looseMode).toBe(true);
  });
});
