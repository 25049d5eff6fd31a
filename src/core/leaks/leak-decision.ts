// What a leak report does to the key a token belongs to (DESIGN §8), decided from the stored key alone:
// the current secret of a live key is revoked, or disabled where its API's policy says so; a secret a
// rotation retired loses what is left of its grace; anything already dead is left as it is.
import type { ApiRecord, KeyRecord } from "../records.js";

export const LEAK_OUTCOMES = ["revoked", "disabled", "grace_ended", "already_revoked", "already_disabled", "already_expired", "unknown"] as const;
export type LeakOutcome = (typeof LEAK_OUTCOMES)[number];

/** The write a decision asks for; `null`: nothing to write. */
export type LeakAction = "revoke" | "disable" | "end_grace";

export interface LeakDecision {
  action: LeakAction | null;
  outcome: LeakOutcome;
}

/** What the store found for the token: the key, its API and, for a retired secret, its grace end. */
export interface LeakedKey {
  key: KeyRecord;
  api: ApiRecord;
  graceEndsAt?: Date;
}

const DONE: Record<LeakAction, LeakOutcome> = { revoke: "revoked", disable: "disabled", end_grace: "grace_ended" };
const ALREADY: Record<LeakAction, LeakOutcome> = { revoke: "already_revoked", disable: "already_disabled", end_grace: "already_expired" };

export function decideLeak(found: LeakedKey | null, now: Date): LeakDecision {
  if (!found) return { action: null, outcome: "unknown" };
  const { key, api, graceEndsAt } = found;
  if (key.revokedAt) return { action: null, outcome: "already_revoked" };
  if (graceEndsAt) return graceEndsAt.getTime() <= now.getTime() ? { action: null, outcome: "already_expired" } : { action: "end_grace", outcome: "grace_ended" };
  // A root key opens the management API: it is always revoked, whatever a policy says.
  const action: LeakAction = api.kind === "customer" && api.policy.onLeak === "disable" ? "disable" : "revoke";
  if (action === "disable" && !key.enabled) return { action: null, outcome: "already_disabled" };
  return { action, outcome: DONE[action] };
}

/** The outcome when the store's guarded write found the work done already (a concurrent report). */
export function alreadyDone(action: LeakAction): LeakOutcome {
  return ALREADY[action];
}

/** GitHub's feedback label: the token is a Keyward key that exists (live or not), or it is not. */
export function leakLabel(outcome: LeakOutcome): "true_positive" | "false_positive" {
  return outcome === "unknown" ? "false_positive" : "true_positive";
}
