// The keys that seal webhook signing secrets at rest (core/webhooks/sealed-secret.ts), in a file named by
// KEYWARD_SECRETS_KEY — outside the database, the same file on every node. One key a line, base64 of 32
// random bytes: the first line seals, every line opens (so a new key can be put first while values
// sealed under the older ones are re-sealed at start).
import { randomBytes } from "node:crypto";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { SECRETS_KEY_BYTES, secretsKey, secretsKeyring, type SecretsKeyring } from "../core/index.js";

export class SecretsKeyError extends Error {
  override readonly name = "SecretsKeyError";
}

const readKeyFile = (path: string): string => {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new SecretsKeyError(`secrets key ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
};

export function loadSecretsKeys(path: string): { keys: SecretsKeyring; looseMode: boolean } {
  const lines = readKeyFile(path)
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
  const keys = lines.map((line, index) => {
    const bytes = Buffer.from(line, "base64");
    if (bytes.length !== SECRETS_KEY_BYTES || bytes.toString("base64") !== line) {
      throw new SecretsKeyError(`secrets key ${path}: key ${index + 1} is not base64 of ${SECRETS_KEY_BYTES} bytes (make one with: keyward secrets keygen <path>)`);
    }
    return secretsKey(bytes);
  });
  if (keys.length === 0) throw new SecretsKeyError(`secrets key ${path} holds no key (make one with: keyward secrets keygen <path>)`);
  // Readable by group or others: the operator should know (the server still starts).
  return { keys: secretsKeyring(keys), looseMode: (statSync(path).mode & 0o077) !== 0 };
}

const newKeyLine = () => `${randomBytes(SECRETS_KEY_BYTES).toString("base64")}\n`;

/** Writes a new key file to `path` (mode 0600, never over an existing file); returns the key's id. */
export function writeSecretsKey(path: string): string {
  const line = newKeyLine();
  try {
    writeFileSync(path, line, { mode: 0o600, flag: "wx" });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SecretsKeyError(code === "EEXIST" ? `${path} exists already; not overwritten` : `cannot write ${path} (${code ?? "error"})`);
  }
  return loadSecretsKeys(path).keys.current.id;
}

/** Puts a new key first in an existing file, keeping the others (they still open); returns its id. */
export function addSecretsKey(path: string): string {
  const before = readKeyFile(path);
  loadSecretsKeys(path);
  try {
    writeFileSync(path, newKeyLine() + before, { mode: 0o600 });
  } catch (error) {
    throw new SecretsKeyError(`cannot write ${path} (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  return loadSecretsKeys(path).keys.current.id;
}
