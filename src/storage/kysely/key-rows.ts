// The row of a new key, written once for the single create (key-repository.ts) and the bulk import
// (key-import.ts).
import type { Insertable } from "kysely";
import type { NewKey } from "../port.js";
import type { DialectProfile } from "./dialect-profile.js";
import type { KeysTable } from "./schema.js";

/** The row of a new key (also written in bulk by key-import.ts, which marks it imported). */
export function newKeyRow(profile: DialectProfile, key: NewKey): Insertable<KeysTable> {
  const at = profile.time.encode(key.now);
  return {
    id: key.id,
    workspace_id: key.workspaceId,
    api_id: key.apiId,
    hash: key.hash,
    start: key.start,
    environment: key.environment,
    name: key.name,
    identity_id: key.identityId,
    permissions: profile.json.encode(key.permissions),
    enabled: profile.bool.encode(key.enabled),
    expires_at: key.expiresAt === null ? null : profile.time.encode(key.expiresAt),
    restrictions: profile.json.encode(key.restrictions),
    meta: profile.json.encode(key.meta),
    ratelimits: profile.json.encode(key.ratelimits ?? []),
    created_at: at,
    updated_at: at,
    last_used_at: null,
    revoked_at: null,
    revoked_reason: null,
  };
}
