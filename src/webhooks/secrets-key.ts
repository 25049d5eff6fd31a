// The key that seals webhook signing secrets at rest (core/webhooks/sealed-secret.ts): 32 random bytes,
// base64, in a file named by KEYWARD_SECRETS_KEY — outside the database, the same file on every node.
import { randomBytes } from "node:crypto";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { SECRETS_KEY_BYTES } from "../core/index.js";

export class SecretsKeyError extends Error {
  override readonly name = "SecretsKeyError";
}

export function loadSecretsKey(path: string): { key: Buffer; looseMode: boolean } {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new SecretsKeyError(`secrets key ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  const key = Buffer.from(text.trim(), "base64");
  if (key.length !== SECRETS_KEY_BYTES || key.toString("base64") !== text.trim()) {
    throw new SecretsKeyError(`secrets key ${path} is not base64 of ${SECRETS_KEY_BYTES} bytes (make one with: keyward secrets keygen <path>)`);
  }
  // Readable by group or others: the operator should know (the server still starts).
  return { key, looseMode: (statSync(path).mode & 0o077) !== 0 };
}

/** Writes a new key to `path` (mode 0600, never over an existing file). */
export function writeSecretsKey(path: string): void {
  try {
    writeFileSync(path, `${randomBytes(SECRETS_KEY_BYTES).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SecretsKeyError(code === "EEXIST" ? `${path} exists already; not overwritten` : `cannot write ${path} (${code ?? "error"})`);
  }
}
