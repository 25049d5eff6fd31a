// Webhook signing secrets sealed at rest. Signing needs the secret itself (a hash would not do), so the
// database holds it encrypted under a key kept outside it (KEYWARD_SECRETS_KEY): a dump or a backup of
// the database alone signs nothing. AES-256-GCM from node:crypto; the endpoint id is the associated data,
// so a sealed secret copied onto another endpoint's row does not open there. The random nonce comes in
// as an argument (core takes randomness as input).
import { createCipheriv, createDecipheriv } from "node:crypto";

export const SEALED_SECRET_PREFIX = "sealed:v1:";
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
export const SECRETS_KEY_BYTES = 32;

export function isSealedSecret(stored: string): boolean {
  return stored.startsWith(SEALED_SECRET_PREFIX);
}

/** `sealed:v1:` + base64url(nonce ‖ ciphertext ‖ tag). */
export function sealSecret(key: Uint8Array, secret: string, endpointId: string, nonce: Uint8Array): string {
  if (key.length !== SECRETS_KEY_BYTES) throw new Error(`a secrets key is ${SECRETS_KEY_BYTES} bytes`);
  if (nonce.length !== NONCE_BYTES) throw new Error(`a nonce is ${NONCE_BYTES} bytes`);
  const cipher = createCipheriv("aes-256-gcm", key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(endpointId, "utf8"));
  const body = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
  return SEALED_SECRET_PREFIX + Buffer.concat([nonce, body, cipher.getAuthTag()]).toString("base64url");
}

export class SecretUnavailableError extends Error {
  override readonly name = "SecretUnavailableError";
}

/**
 * The secret as stored: a sealed one opened with `key`, one stored before sealing was configured as it is.
 * Throws SecretUnavailableError when a sealed secret cannot be opened (no key, another key, an edited row);
 * the message names no part of the secret.
 */
export function openSecret(key: Uint8Array | null, stored: string, endpointId: string): string {
  if (!isSealedSecret(stored)) return stored;
  if (key === null) throw new SecretUnavailableError("the signing secret is sealed and no secrets key is configured (KEYWARD_SECRETS_KEY)");
  const raw = Buffer.from(stored.slice(SEALED_SECRET_PREFIX.length), "base64url");
  if (raw.length < NONCE_BYTES + TAG_BYTES + 1) throw new SecretUnavailableError("the sealed signing secret is malformed");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, NONCE_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(endpointId, "utf8"));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(NONCE_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretUnavailableError("the sealed signing secret does not open with the configured secrets key (another key, or an edited row)");
  }
}
