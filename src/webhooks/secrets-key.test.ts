import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadSecretsKey, SecretsKeyError, writeSecretsKey } from "./secrets-key.js";

describe("the secrets key file", () => {
  const dir = mkdtempSync(join(tmpdir(), "keyward-secrets-key-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is written with mode 0600, read back as 32 bytes, and never overwritten", () => {
    const path = join(dir, "secrets.key");
    writeSecretsKey(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const { key, looseMode } = loadSecretsKey(path);
    expect(key).toHaveLength(32);
    expect(looseMode).toBe(false);
    expect(() => writeSecretsKey(path)).toThrow(/exists already/);
    expect(loadSecretsKey(path).key.equals(key)).toBe(true);
  });

  it("refuses a file that is not base64 of 32 bytes, or missing, saying how to make one", () => {
    const short = join(dir, "short.key");
    writeFileSync(short, Buffer.alloc(16).toString("base64"));
    expect(() => loadSecretsKey(short)).toThrow(SecretsKeyError);
    expect(() => loadSecretsKey(short)).toThrow(/keyward secrets keygen/);
    const garbage = join(dir, "garbage.key");
    writeFileSync(garbage, "not a key at all, but long enough to be mistaken for one if unchecked");
    expect(() => loadSecretsKey(garbage)).toThrow(SecretsKeyError);
    expect(() => loadSecretsKey(join(dir, "missing.key"))).toThrow(/cannot be read \(ENOENT\)/);
  });

  it("says when group or others can read it", () => {
    const path = join(dir, "loose.key");
    writeFileSync(path, `${Buffer.alloc(32, 1).toString("base64")}\n`, { mode: 0o644 });
    expect(loadSecretsKey(path).looseMode).toBe(true);
  });
});
