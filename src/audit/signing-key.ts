// The checkpoint signing key: an Ed25519 private key in a PEM file named by KEYWARD_AUDIT_SIGNING_KEY,
// outside the database, so that whoever can rewrite the database still cannot sign for a rewritten chain.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { signingKeyId, type AuditSigningKey } from "../core/index.js";

export class SigningKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SigningKeyError";
  }
}

export function loadSigningKey(path: string): AuditSigningKey & { looseMode: boolean } {
  let pem: string;
  try {
    pem = readFileSync(path, "utf8");
  } catch (error) {
    throw new SigningKeyError(`audit signing key ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    throw new SigningKeyError(`audit signing key ${path} is not a PEM private key (make one with: keyward audit keygen <path>)`);
  }
  if (privateKey.asymmetricKeyType !== "ed25519") {
    throw new SigningKeyError(`audit signing key ${path} is a ${privateKey.asymmetricKeyType ?? "unknown"} key; an Ed25519 key is needed`);
  }
  const publicKey = createPublicKey(privateKey);
  // Readable by group or others: the operator should know (the server still starts).
  const looseMode = (statSync(path).mode & 0o077) !== 0;
  return { privateKey, publicKey, keyId: signingKeyId(publicKey), looseMode };
}

export function loadPublicKey(path: string): KeyObject {
  let pem: string;
  try {
    pem = readFileSync(path, "utf8");
  } catch (error) {
    throw new SigningKeyError(`public key ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  try {
    // A private key file works too: its public half is derived.
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType !== "ed25519") throw new SigningKeyError(`${path} is not an Ed25519 key`);
    return key;
  } catch (error) {
    if (error instanceof SigningKeyError) throw error;
    throw new SigningKeyError(`${path} is not a PEM public key`);
  }
}

/**
 * Writes a new key pair: the private key to `path` (mode 0600, never over an existing file) and the
 * public key to `<path>.pub`. Returns the key id and the public key's path.
 */
export function writeSigningKeyPair(path: string): { keyId: string; publicKeyPath: string } {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const publicKeyPath = `${path}.pub`;
  try {
    writeFileSync(path, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600, flag: "wx" });
    writeFileSync(publicKeyPath, publicKey.export({ type: "spki", format: "pem" }), { mode: 0o644, flag: "wx" });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SigningKeyError(code === "EEXIST" ? `${path} or ${publicKeyPath} exists already; not overwritten` : `cannot write ${path} (${code ?? "error"})`);
  }
  return { keyId: signingKeyId(publicKey), publicKeyPath };
}
