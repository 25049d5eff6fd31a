// Root-key authentication for the management API: the same verify pipeline as customer keys,
// restricted to the reserved root API, then a permission check.
import { hashKey, type PermissionSet, type VerificationRequest, type VerificationSubject } from "../core/index.js";
import { KeywardError } from "../errors/index.js";
import type { Verifier, VerifyOutcome } from "../verify/index.js";
import type { ManagementPermission } from "./root-permissions.js";

export interface Actor {
  workspaceId: string;
  rootKeyId: string;
  permissions: PermissionSet;
}

/** Reads `Authorization: Bearer <key>`; anything else is treated as no key. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match ? match[1]! : null;
}

const ROOT_REQUEST: VerificationRequest = Object.freeze({ workspaceId: null, apiKind: "root" });

/**
 * The actor of a verified root key, made once per cached record: every management call authenticates,
 * so this runs per request. A changed root key gets a new record (the cache drops the old), hence a new actor.
 */
const actors = new WeakMap<VerificationSubject, Actor>();

/**
 * The token of an Authorization header and its hash, remembered per header value: a client sends the same
 * root key on every call, and reading and hashing it again was a tenth of a verify call's own work. Only
 * pure functions of the header are kept — whether the key is valid is asked of the verifier every time
 * (its cache is invalidated on revocation), so a revoked root key is refused at once. Bounded: cleared when
 * full.
 */
const TOKEN_MEMO_LIMIT = 1_000;
/** Longer headers are read every time (not a root key of Keyward's format; keeps the memo small). */
const TOKEN_MEMO_MAX_HEADER = 256;
const tokens = new Map<string, { token: string; hash: string }>();

/** `bearerToken` with the token's hash, remembered per header value (see above). */
export function readBearer(authorization: string | undefined): { token: string; hash: string } | null {
  if (!authorization) return null;
  const known = tokens.get(authorization);
  if (known !== undefined) return known;
  const token = bearerToken(authorization);
  if (!token) return null;
  const read = { token, hash: hashKey(token) };
  if (authorization.length <= TOKEN_MEMO_MAX_HEADER) {
    if (tokens.size >= TOKEN_MEMO_LIMIT) tokens.clear();
    tokens.set(authorization, read);
  }
  return read;
}

export async function authenticateRootKey(verifier: Verifier, authorization: string | undefined): Promise<Actor> {
  const read = readBearer(authorization);
  if (!read) throw new KeywardError("UNAUTHORIZED", "Send a root key as Authorization: Bearer <root key>.");
  return actorOf(await verifier.verifyHashed(read.token, read.hash, ROOT_REQUEST));
}

/**
 * `authenticateRootKey` without a promise when the verifier can answer synchronously (a cached root key, see
 * `Verifier.verifyCached`): the actor, or the same refusal thrown; null when it cannot — then nothing has
 * happened and the caller awaits `authenticateRootKey`.
 */
export function authenticateRootKeyNow(verifier: Verifier, authorization: string | undefined): Actor | null {
  const read = readBearer(authorization);
  if (!read) throw new KeywardError("UNAUTHORIZED", "Send a root key as Authorization: Bearer <root key>.");
  const outcome = verifier.verifyCached(read.token, read.hash, ROOT_REQUEST);
  return outcome === null ? null : actorOf(outcome);
}

function actorOf(outcome: VerifyOutcome): Actor {
  const subject = outcome.subject;
  if (outcome.code !== "VALID" || !subject) {
    // One answer for every failure: which of unknown/revoked/expired is not disclosed to the caller.
    throw new KeywardError("UNAUTHORIZED", "The root key is not valid.");
  }
  let actor = actors.get(subject);
  if (actor === undefined) {
    actor = Object.freeze({ workspaceId: subject.workspaceId, rootKeyId: subject.source.key.id, permissions: subject.permissions });
    actors.set(subject, actor);
  }
  return actor;
}

export function requirePermission(actor: Actor, permission: ManagementPermission): void {
  if (!actor.permissions.has(permission)) {
    throw new KeywardError("FORBIDDEN", `This call needs the permission ${permission}.`);
  }
}
