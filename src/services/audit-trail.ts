// Writing the audit entry of a change: called by each service inside the transaction of the change,
// last, so that entry and change commit or roll back together.
import { AUDIT_ACTIONS, auditView, createId, type AuditAction, type AuditActor, type AuditRequest } from "../core/index.js";
import type { Actor } from "../auth/index.js";
import type { Store } from "../storage/port.js";
import type { ServiceContext } from "./context.js";
import { enqueueWebhookEvents } from "./webhook-outbox.js";

/** An actor with the request it came with (routes add it; calls from code have none). */
export type ChangeActor = Actor & { readonly request?: AuditRequest };

export interface Change {
  action: AuditAction;
  targetId: string;
  /** Public views (src/audit/audit-views.ts); omitted: null. */
  before?: unknown;
  after?: unknown;
}

/** Who made a change that has no root key behind it (bootstrap, a workspace's own first entries). */
export interface SystemActor {
  workspaceId: string;
  request?: AuditRequest | null;
}

const NO_REQUEST: AuditRequest = Object.freeze({ requestId: null, sourceIp: null, userAgent: null });

function draftOf(ctx: ServiceContext, workspaceId: string, actor: AuditActor, request: AuditRequest | undefined | null, change: Change) {
  const now = ctx.now();
  const context = request ?? NO_REQUEST;
  return {
    id: createId("aud", now, ctx.random),
    workspaceId,
    time: now,
    actor,
    action: change.action,
    target: { type: AUDIT_ACTIONS[change.action], id: change.targetId },
    before: auditView(change.before ?? null),
    after: auditView(change.after ?? null),
    requestId: context.requestId,
    sourceIp: context.sourceIp,
    userAgent: context.userAgent,
  };
}

async function append(ctx: ServiceContext, store: Store, workspaceId: string, actor: AuditActor, request: AuditRequest | undefined | null, change: Change) {
  const draft = draftOf(ctx, workspaceId, actor, request, change);
  await store.audit.append(draft);
  // Same transaction, same store: the event's outbox row commits or rolls back with the change.
  await enqueueWebhookEvents(ctx, store, [draft]);
}

/** The entry of a change made by a root key, in the root key's workspace. */
export function recordChange(ctx: ServiceContext, store: Store, actor: ChangeActor, change: Change): Promise<void> {
  return append(ctx, store, actor.workspaceId, { type: "root_key", id: actor.rootKeyId }, actor.request, change);
}

/**
 * The entries of many changes made by one root key (a bulk import): the same entries, in the same order,
 * as one recordChange each, written with one chain-head update.
 */
export async function recordChanges(ctx: ServiceContext, store: Store, actor: ChangeActor, changes: readonly Change[]): Promise<void> {
  const auditActor: AuditActor = { type: "root_key", id: actor.rootKeyId };
  const drafts = changes.map((change) => draftOf(ctx, actor.workspaceId, auditActor, actor.request, change));
  await store.audit.appendMany(drafts);
  await enqueueWebhookEvents(ctx, store, drafts);
}

/** The entry of a change Keyward made itself. */
export function recordSystemChange(ctx: ServiceContext, store: Store, actor: SystemActor, change: Change): Promise<void> {
  return append(ctx, store, actor.workspaceId, { type: "system" }, actor.request, change);
}
