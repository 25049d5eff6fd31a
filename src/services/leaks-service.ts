// Leak reports (DESIGN §8): each reported token is hashed on arrival and never kept, logged or returned.
// A token that is a Keyward key's current secret gets its key revoked (or disabled, by the API's
// policy); a secret a rotation retired loses what is left of its grace. Each change and its `key.leak`
// audit entry (which the webhooks derive `key.leaked` from) are one transaction; then every node drops
// the key from its cache. What is dead already, or unknown, changes nothing.
import { alreadyDone, decideLeak, hashKey, isPlausibleToken, isWellFormedKey, keyStart, type AuditRequest, type KeyRecord, type LeakOutcome } from "../core/index.js";
import { keyAuditView, rootKeyAuditView } from "../audit/audit-views.js";
import type { Store } from "../storage/port.js";
import { recordChange, recordSystemChange, type ChangeActor } from "./audit-trail.js";
import type { ServiceContext } from "./context.js";

/** Where a token was found, as the audit entry shows it (`after.leak`). */
export type LeakDetails =
  | { source: "github"; url: string; tokenType: string; githubSource: string | null }
  | { source: "report"; url: string | null; path: string | null; line: number | null; commit: string | null };

/**
 * GitHub speaks for the whole install (a token is acted on in whichever workspace holds it, by
 * `system`); a root key reports for its own workspace only: another tenant's key is "unknown" to it.
 */
export type LeakReporter = { channel: "github"; request: AuditRequest | null } | { channel: "report"; actor: ChangeActor };

export interface LeakResult {
  outcome: LeakOutcome;
  /** Set when the token is a secret of a key (of the reporter's workspace, for a root key). */
  keyId: string | null;
  /** The display start of the reported secret, when known. */
  start: string | null;
}

const UNKNOWN: LeakResult = Object.freeze({ outcome: "unknown", keyId: null, start: null });
const MAX_REASON_LENGTH = 500;

export async function reportLeak(ctx: ServiceContext, reporter: LeakReporter, token: string, details: LeakDetails): Promise<LeakResult> {
  const result = await handleLeak(ctx, reporter, token, details);
  ctx.metrics.leakFindings.inc({ channel: reporter.channel, outcome: result.outcome });
  return result;
}

async function handleLeak(ctx: ServiceContext, reporter: LeakReporter, token: string, details: LeakDetails): Promise<LeakResult> {
  if (!isPlausibleToken(token)) return UNKNOWN;
  const hash = hashKey(token);
  const start = isWellFormedKey(token) ? keyStart(token) : null;
  let found = await ctx.store.keys.findForVerification(hash);
  if (found && reporter.channel === "report" && found.key.workspaceId !== reporter.actor.workspaceId) found = null;
  if (!found) return UNKNOWN;
  const decision = decideLeak(found, ctx.now());
  const { key, api } = found;
  const shown = found.graceEndsAt ? start : key.start;
  const action = decision.action;
  if (action === null) return { outcome: decision.outcome, keyId: key.id, start: shown };

  const view = api.kind === "root" ? rootKeyAuditView : keyAuditView;
  const written = await ctx.store.transaction(async (store): Promise<{ outcome: LeakOutcome; changed: boolean } | null> => {
    const now = ctx.now();
    const before = await store.keys.get(key.workspaceId, key.id);
    if (!before) return null;
    let after: KeyRecord;
    if (action === "end_grace") {
      if (!(await store.keys.endGrace(key.workspaceId, hash, now))) return { outcome: alreadyDone(action), changed: false };
      after = before;
    } else {
      const contained = await store.keys.containLeak(key.workspaceId, key.id, action, action === "revoke" ? revokeReason(details) : null, now);
      if (!contained) return null;
      // A concurrent report (or a revoke) got there first: say what the key is now.
      if (!contained.changed) return { outcome: contained.key.revokedAt ? "already_revoked" : alreadyDone(action), changed: false };
      after = contained.key;
    }
    const afterView = { ...view(after), ...(action === "end_grace" ? { previousValidUntil: now.toISOString() } : {}), leak: details };
    await recordLeak(ctx, store, reporter, key.workspaceId, { action: "key.leak", targetId: key.id, before: view(before), after: afterView });
    return { outcome: decision.outcome, changed: true };
  });
  if (written === null) return UNKNOWN;
  // Every node drops the key's cached answers, for the current secret and any retired one.
  if (written.changed) await ctx.invalidation.key(key.id);
  return { outcome: written.outcome, keyId: key.id, start: shown };
}

function recordLeak(ctx: ServiceContext, store: Store, reporter: LeakReporter, workspaceId: string, change: Parameters<typeof recordChange>[3]) {
  return reporter.channel === "report"
    ? recordChange(ctx, store, reporter.actor, change)
    : recordSystemChange(ctx, store, { workspaceId, request: reporter.request }, change);
}

/** The revocation reason the key shows from now on: where the leak was seen. */
export function revokeReason(details: LeakDetails): string {
  const where =
    details.source === "github"
      ? `${details.url} (GitHub secret scanning)`
      : (details.url ?? [details.path, details.line].filter((part) => part !== null).join(":")) || "leak report";
  return `leaked: ${where}`.slice(0, MAX_REASON_LENGTH);
}
