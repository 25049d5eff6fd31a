import { generateKeyPairSync } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkpointSignatureValid, signCheckpoint } from "../core/index.js";
import { loadPublicKey, loadSigningKey, SigningKeyError, writeSigningKeyPair } from "./signing-key.js";

const dir = mkdtempSync(join(tmpdir(), "keyward-signing-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("audit signing key files", () => {
  it("writes a pair whose halves belong together: private 0600, public 0644, never over a file", () => {
    const path = join(dir, "audit.pem");
    const { keyId, publicKeyPath } = writeSigningKeyPair(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(publicKeyPath).mode & 0o777).toBe(0o644);
    const key = loadSigningKey(path);
    expect(key).toMatchObject({ keyId, looseMode: false });
    const checkpoint = signCheckpoint({ workspaceId: "ws_1", seq: 3, hash: "a".repeat(64) }, new Date(0), key);
    expect(checkpointSignatureValid(checkpoint, loadPublicKey(publicKeyPath))).toBe(true);
    expect(checkpointSignatureValid(checkpoint, loadPublicKey(path))).toBe(true);
    expect(checkpointSignatureValid({ ...checkpoint, seq: 4 }, key.publicKey)).toBe(false);
    expect(() => writeSigningKeyPair(path)).toThrow(/exists already/);
  });

  it("notices a private key file others can read", () => {
    const path = join(dir, "loose.pem");
    writeSigningKeyPair(path);
    chmodSync(path, 0o644);
    expect(loadSigningKey(path).looseMode).toBe(true);
  });

  it("refuses a missing file, one that is not a key, and a key that is not Ed25519", () => {
    expect(() => loadSigningKey(join(dir, "missing.pem"))).toThrow(/cannot be read \(ENOENT\)/);
    const garbage = join(dir, "garbage.pem");
    writeFileSync(garbage, "not a key");
    expect(() => loadSigningKey(garbage)).toThrow(SigningKeyError);
    const rsa = join(dir, "rsa.pem");
    writeFileSync(rsa, generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }));
    expect(() => loadSigningKey(rsa)).toThrow(/rsa key; an Ed25519 key is needed/);
    expect(() => loadPublicKey(rsa)).toThrow(/not an Ed25519 key/);
  });
});
