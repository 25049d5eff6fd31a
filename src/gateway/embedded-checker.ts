// Embedded mode: verification in this process, with the same pipeline, cache, limiter and credit
// ledger as a Keyward server node. A known key costs no database round trip.
import type { ServiceContext } from "../services/index.js";
import type { KeyChecker, KeyVerdict } from "./key-checker.js";

export interface EmbeddedCheckerOptions {
  ctx: ServiceContext;
  apiId: string;
  /**
   * null: the key's own record names its workspace, and `apiId` (globally unique) restricts it to
   * the one API, so a key of any other API or workspace is NOT_FOUND all the same.
   */
  workspaceId: string | null;
}

export function createEmbeddedChecker({ ctx, apiId, workspaceId }: EmbeddedCheckerOptions): KeyChecker {
  return {
    async check(key, { route, ip, origin }): Promise<KeyVerdict> {
      const outcome = await ctx.verifier.verify(
        key,
        { workspaceId, apiId, ip, ...(route.permissions ? { permissionQuery: route.permissions.query } : {}), ...(origin !== undefined ? { origin } : {}) },
        { ...(route.ratelimits ? { ratelimits: route.ratelimits } : {}), ...(route.cost !== undefined ? { cost: route.cost } : {}) },
      );
      const identity = outcome.subject?.source.identity ?? null;
      return {
        code: outcome.code,
        keyId: outcome.subject?.source.key.id ?? null,
        identityId: identity?.id ?? null,
        externalId: identity?.externalId ?? null,
        ratelimits: outcome.ratelimits,
      };
    },
    close: async () => {},
  };
}
