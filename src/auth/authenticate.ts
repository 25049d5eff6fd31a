// Root-key authentication for the management API: the same verify pipeline as customer keys,
// restricted to the reserved root API, then a permission check.
import type { PermissionSet, VerificationRequest, VerificationSubject } from "../core/index.js";
import { KeywardError } from "../errors/index.js";
import type { Verifier } from "../verify/index.js";
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

export async function authenticateRootKey(verifier: Verifier, authorization: string | undefined): Promise<Actor> {
  const token = bearerToken(authorization);
  if (!token) throw new KeywardError("UNAUTHORIZED", "Send a root key as Authorization: Bearer <root key>.");
  const outcome = await verifier.verify(token, ROOT_REQUEST);
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
