// Webhook signing secrets sealed at rest. Signing needs the secret itself (a hash would not do), so the
// database holds it encrypted under a key kept outside it (KEYWARD_SECRETS_KEY): a dump or a backup of
// the database alone signs nothing. AES-256-GCM from node:crypto; the endpoint id is the associated data,
// so a sealed secret copied onto another endpoint's row does not open there. Each sealed value names its
// key by a short id (a hash of the key), so a keyring of several keys can open values sealed under any of
// them while the newest seals (key rotation). The random nonce comes in as an argument (core takes
// randomness as input).
import { createCipheriv, createDecipheriv, createHash } from "node:crypto";

export const SEALED_SECRET_PREFIX = "sealed:v1:";
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
export const SECRETS_KEY_BYTES = 32;

export interface SecretsKey {
  /** 16 hex characters of SHA-256 over the key: names it in sealed values, reveals nothing of it. */
  readonly id: string;
  readonly bytes: Uint8Array;
}

/** The key that seals (`current`) and every key that opens (the current one included). */
export interface SecretsKeyring {
  readonly current: SecretsKey;
  readonly byId: ReadonlyMap<string, SecretsKey>;
}

export function secretsKey(bytes: Uint8Array): SecretsKey {
  if (bytes.length !== SECRETS_KEY_BYTES) throw new Error(`a secrets key is ${SECRETS_KEY_BYTES} bytes`);
  return { id: createHash("sha256").update(bytes).digest("hex").slice(0, 16), bytes };
}

/** The first key seals; all of them open. */
export function secretsKeyring(keys: readonly SecretsKey[]): SecretsKeyring {
  if (keys.length === 0) throw new Error("a keyring needs a key");
  return { current: keys[0]!, byId: new Map(keys.map((key) => [key.id, key])) };
}

export function isSealedSecret(stored: string): boolean {
  return stored.startsWith(SEALED_SECRET_PREFIX);
}

/** The id of the key a sealed value names; null for a value stored as it is. */
export function sealedKeyId(stored: string): string | null {
  if (!isSealedSecret(stored)) return null;
  const end = stored.indexOf(":", SEALED_SECRET_PREFIX.length);
  return end < 0 ? "" : stored.slice(SEALED_SECRET_PREFIX.length, end);
}

/** `sealed:v1:<key id>:` + base64url(nonce ‖ ciphertext ‖ tag). */
export function sealSecret(key: SecretsKey, secret: string, endpointId: string, nonce: Uint8Array): string {
  if (nonce.length !== NONCE_BYTES) throw new Error(`a nonce is ${NONCE_BYTES} bytes`);
  const cipher = createCipheriv("aes-256-gcm", key.bytes, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(endpointId, "utf8"));
  const body = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
  return `${SEALED_SECRET_PREFIX}${key.id}:${Buffer.concat([nonce, body, cipher.getAuthTag()]).toString("base64url")}`;
}

export class SecretUnavailableError extends Error {
  override readonly name = "SecretUnavailableError";
}

/**
 * The secret as stored: a sealed one opened with the keyring's key it names, one stored before sealing was
 * configured as it is. Throws SecretUnavailableError when a sealed secret cannot be opened (no keyring, a
 * key not in it, an edited row); the message names no part of the secret.
 */
export function openSecret(keys: SecretsKeyring | null, stored: string, endpointId: string): string {
  const keyId = sealedKeyId(stored);
  if (keyId === null) return stored;
  if (keys === null) throw new SecretUnavailableError("the signing secret is sealed and no secrets key is configured (KEYWARD_SECRETS_KEY)");
  const key = keys.byId.get(keyId);
  if (key === undefined) throw new SecretUnavailableError(`the signing secret is sealed with key ${keyId || "(none named)"}, which KEYWARD_SECRETS_KEY does not hold`);
  const raw = Buffer.from(stored.slice(SEALED_SECRET_PREFIX.length + keyId.length + 1), "base64url");
  if (raw.length < NONCE_BYTES + TAG_BYTES + 1) throw new SecretUnavailableError("the sealed signing secret is malformed");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key.bytes, raw.subarray(0, NONCE_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(endpointId, "utf8"));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(NONCE_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretUnavailableError(`the sealed signing secret does not open with key ${keyId} (an edited row, or another key under the same id)`);
  }
}

/**
 * What a stored value becomes under the keyring: sealed with the current key (a plaintext one sealed, one
 * under an older key re-sealed). Unchanged when it is sealed with the current key already, or cannot be
 * opened (a key not in the ring): nothing is lost by leaving it.
 */
export function resealSecret(keys: SecretsKeyring, stored: string, endpointId: string, nonce: Uint8Array): string {
  if (sealedKeyId(stored) === keys.current.id) return stored;
  let secret: string;
  try {
    secret = openSecret(keys, stored, endpointId);
  } catch (error) {
    if (error instanceof SecretUnavailableError) return stored;
    throw error;
  }
  return sealSecret(keys.current, secret, endpointId, nonce);
}
