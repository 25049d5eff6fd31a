// Signed checkpoints: a workspace's chain head (seq and hash) at a time, signed with Ed25519 by a key
// that lives outside the database. Someone who can rewrite the database can recompute a whole chain,
// but cannot sign for it: a checkpoint kept elsewhere pins the entries it vouches for.
import { createHash, sign, verify, type KeyObject } from "node:crypto";
import { canonicalJson } from "./canonical-json.js";
import type { AuditHead } from "./entry.js";

export interface AuditCheckpoint {
  workspaceId: string;
  /** The chain holds entry `seq` with hash `hash`. */
  seq: number;
  hash: string;
  at: Date;
  /** Which signing key: the first 16 hex digits of SHA-256 over its public key (SPKI DER). */
  keyId: string;
  /** Ed25519 over checkpointPayload(), base64url. */
  signature: string;
}

export interface AuditSigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  keyId: string;
}

export function signingKeyId(publicKey: KeyObject): string {
  return createHash("sha256").update(publicKey.export({ type: "spki", format: "der" })).digest("hex").slice(0, 16);
}

/** The bytes a checkpoint's signature covers. */
export function checkpointPayload(checkpoint: Omit<AuditCheckpoint, "signature">): Buffer {
  return Buffer.from(
    canonicalJson({
      type: "keyward.audit.checkpoint",
      v: 1,
      workspaceId: checkpoint.workspaceId,
      seq: checkpoint.seq,
      hash: checkpoint.hash,
      at: checkpoint.at.toISOString(),
      keyId: checkpoint.keyId,
    }),
  );
}

export function signCheckpoint(head: AuditHead, at: Date, key: AuditSigningKey): AuditCheckpoint {
  const unsigned = { workspaceId: head.workspaceId, seq: head.seq, hash: head.hash, at, keyId: key.keyId };
  return { ...unsigned, signature: sign(null, checkpointPayload(unsigned), key.privateKey).toString("base64url") };
}

/** True when the signature is the given public key's over exactly this checkpoint. */
export function checkpointSignatureValid(checkpoint: AuditCheckpoint, publicKey: KeyObject): boolean {
  try {
    return verify(null, checkpointPayload(checkpoint), publicKey, Buffer.from(checkpoint.signature, "base64url"));
  } catch {
    return false;
  }
}
