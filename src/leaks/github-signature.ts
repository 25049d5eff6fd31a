// GitHub's signature over a secret scanning report: ECDSA P-256 with SHA-256 over the raw body bytes,
// DER-encoded and base64'd in `Github-Public-Key-Signature`, by the key `Github-Public-Key-Identifier` names.
import { verify } from "node:crypto";
import type { GithubPublicKeys } from "./github-public-keys.js";

export const GITHUB_KEY_ID_HEADER = "github-public-key-identifier";
export const GITHUB_SIGNATURE_HEADER = "github-public-key-signature";

/** A DER P-256 signature is at most 72 bytes (96 in base64); identifiers are 64 hex digits. */
const MAX_HEADER_LENGTH = 256;

export type GithubSignatureCheck = { ok: true } | { ok: false; reason: "missing" | "unknown_key" | "bad_signature" };

const single = (value: string | string[] | undefined): string | null =>
  typeof value === "string" && value !== "" && value.length <= MAX_HEADER_LENGTH ? value.trim() : null;

export function verifyGithubSignature(keys: GithubPublicKeys, rawBody: Buffer, headers: Record<string, string | string[] | undefined>): GithubSignatureCheck {
  const keyId = single(headers[GITHUB_KEY_ID_HEADER]);
  const signature = single(headers[GITHUB_SIGNATURE_HEADER]);
  if (!keyId || !signature) return { ok: false, reason: "missing" };
  const key = keys.byId.get(keyId);
  if (!key) return { ok: false, reason: "unknown_key" };
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signature)) return { ok: false, reason: "bad_signature" };
  try {
    return verify("sha256", rawBody, key, Buffer.from(signature, "base64")) ? { ok: true } : { ok: false, reason: "bad_signature" };
  } catch {
    // A signature that is not DER at all.
    return { ok: false, reason: "bad_signature" };
  }
}
