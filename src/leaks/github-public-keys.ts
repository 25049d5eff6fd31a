// The public keys GitHub signs secret scanning reports with, from a file in the format of
// `GET https://api.github.com/meta/public_keys/secret_scanning` (named by KEYWARD_GITHUB_SCANNING_KEYS).
// Every key in the file verifies, current or not: GitHub rotates, and a report signed just before a
// rotation must still be accepted.
import { createPublicKey, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";

export class GithubKeysError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GithubKeysError";
  }
}

export interface GithubPublicKeys {
  /** ECDSA P-256 public keys by GitHub's `key_identifier`. */
  readonly byId: ReadonlyMap<string, KeyObject>;
}

interface KeyEntry {
  key_identifier?: unknown;
  key?: unknown;
}

export function parseGithubPublicKeys(text: string, origin: string): GithubPublicKeys {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new GithubKeysError(`${origin} is not JSON (expected the answer of https://api.github.com/meta/public_keys/secret_scanning)`);
  }
  const entries = (parsed as { public_keys?: unknown } | null)?.public_keys;
  if (!Array.isArray(entries) || entries.length === 0) throw new GithubKeysError(`${origin} has no "public_keys" array with at least one key`);
  const byId = new Map<string, KeyObject>();
  entries.forEach((entry: KeyEntry, index) => {
    const id = entry?.key_identifier;
    if (typeof id !== "string" || id === "" || typeof entry.key !== "string") {
      throw new GithubKeysError(`${origin}: public_keys[${index}] needs a "key_identifier" and a PEM "key"`);
    }
    let key: KeyObject;
    try {
      key = createPublicKey(entry.key);
    } catch {
      throw new GithubKeysError(`${origin}: public_keys[${index}] (${id}) is not a PEM public key`);
    }
    if (key.asymmetricKeyType !== "ec" || key.asymmetricKeyDetails?.namedCurve !== "prime256v1") {
      throw new GithubKeysError(`${origin}: public_keys[${index}] (${id}) is not an ECDSA P-256 key`);
    }
    byId.set(id, key);
  });
  return { byId };
}

export function loadGithubPublicKeys(path: string): GithubPublicKeys {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new GithubKeysError(`GitHub secret scanning keys ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  return parseGithubPublicKeys(text, path);
}
