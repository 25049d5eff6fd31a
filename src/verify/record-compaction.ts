// Compacts a key's records before they enter the verify cache. The cache holds one record set per key
// (100,000 keys held ~3.2 KB each); most of it repeats from key to key: the same API record, the same
// workspace and API ids as separate strings, empty lists and objects. Equal values are replaced by one
// shared instance, so what any reader sees is unchanged. Cached records are never mutated (a cached
// subject already serves every verification of its key), and shared empty containers are frozen so a
// mutation would fail loudly instead of reaching other keys.
import type { ApiRecord, VerifiableKey } from "../core/index.js";

const EMPTY_LIST: never[] = Object.freeze([]) as unknown as never[];
const EMPTY_OBJECT: Record<string, never> = Object.freeze({}) as Record<string, never>;
/** Bounds the tables: ids of workspaces, APIs and identities are few next to keys. */
const MAX_ENTRIES = 10_000;

const isEmptyObject = (value: object) => {
  for (const _ in value) return false;
  return true;
};

export class RecordCompactor {
  private readonly strings = new Map<string, string>();
  private readonly apis = new Map<string, { signature: string; api: ApiRecord }>();

  /** Compacts `found` in place (it is fresh from the store) and returns it. `hash` is the cache's key. */
  compact(found: VerifiableKey, hash: string): VerifiableKey {
    const { key } = found;
    if (key.hash === hash) key.hash = hash;
    key.workspaceId = this.string(key.workspaceId);
    key.apiId = this.string(key.apiId);
    if (key.identityId !== null) key.identityId = this.string(key.identityId);
    if (key.permissions.length === 0) key.permissions = EMPTY_LIST;
    if (key.roleIds.length === 0) key.roleIds = EMPTY_LIST;
    if (key.ratelimits.length === 0) key.ratelimits = EMPTY_LIST;
    if (isEmptyObject(key.restrictions)) key.restrictions = EMPTY_OBJECT;
    if (isEmptyObject(key.meta)) key.meta = EMPTY_OBJECT;
    if (found.roles.length === 0) found.roles = EMPTY_LIST;
    found.api = this.api(found.api);
    return found;
  }

  private string(value: string): string {
    const known = this.strings.get(value);
    if (known !== undefined) return known;
    if (this.strings.size < MAX_ENTRIES) this.strings.set(value, value);
    return value;
  }

  /** The shared instance of an API record equal to this one (all fields, compared as JSON). */
  private api(api: ApiRecord): ApiRecord {
    const signature = JSON.stringify(api);
    const known = this.apis.get(api.id);
    if (known !== undefined && known.signature === signature) return known.api;
    if (known !== undefined || this.apis.size < MAX_ENTRIES) this.apis.set(api.id, { signature, api });
    return api;
  }
}
