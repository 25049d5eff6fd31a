// /v1/audit: the workspace's audit log, its verification, and its signed checkpoints.
import type { AuditCheckpoint, AuditEntry } from "../../core/index.js";
import { listAudit, listCheckpoints, verifyAudit } from "../../services/index.js";
import { AuditCheckpointPage, AuditEntry as AuditEntrySchema, AuditQuery, AuditVerification, CheckpointQuery } from "../schemas/audit.js";
import { AUTHED_PROBLEMS, PageOf, problems } from "../schemas/common.js";
import { actorOf, guard, managed, type App, type RouteOptions } from "../route-kit.js";

/**
 * Views are stored as canonical JSON text; the answer carries them as JSON. A row rewritten into
 * something else is shown as it is (text that is not JSON as a string), and fails verification.
 */
function parsedView(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function entryView(entry: AuditEntry) {
  const time = entry.time.getTime();
  return { ...entry, time: Number.isNaN(time) ? "invalid" : entry.time.toISOString(), before: parsedView(entry.before), after: parsedView(entry.after) };
}

const checkpointView = (checkpoint: AuditCheckpoint) => ({ ...checkpoint, at: checkpoint.at.toISOString() });

export async function auditRoutes(app: App, { ctx }: RouteOptions) {
  app.get(
    "/v1/audit",
    {
      preValidation: guard(ctx, "audit:read"),
      schema: {
        ...managed("audit", "List audit entries: newest first, or oldest first with order=asc"),
        querystring: AuditQuery,
        response: { 200: PageOf(AuditEntrySchema), ...problems(...AUTHED_PROBLEMS) },
      },
    },
    async (request) => {
      const page = await listAudit(ctx, actorOf(request), request.query);
      return { items: page.items.map(entryView), nextCursor: page.nextCursor };
    },
  );
  app.get(
    "/v1/audit/verify",
    {
      preValidation: guard(ctx, "audit:read"),
      schema: {
        ...managed("audit", "Verify the workspace's audit chain: every entry's hash and link, the chain head, and the signed checkpoints"),
        response: { 200: AuditVerification, ...problems(...AUTHED_PROBLEMS) },
      },
    },
    async (request) => {
      const { verdict, checkpoints } = await verifyAudit(ctx, actorOf(request));
      const latest = verdict.checkpoints.latest;
      return {
        valid: verdict.valid,
        entries: verdict.entries,
        ...(verdict.valid ? {} : { problems: verdict.problems }),
        head: verdict.last,
        checkpoints: {
          ...checkpoints,
          checked: verdict.checkpoints.checked,
          latest: latest ? { seq: latest.seq, at: latest.at.toISOString() } : null,
          ...(checkpoints.enabled
            ? {}
            : { note: "Checkpoints are off (no KEYWARD_AUDIT_SIGNING_KEY): edits, deletions and insertions are detected, a truncated and recomputed tail is not." }),
        },
      };
    },
  );
  app.get(
    "/v1/audit/checkpoints",
    {
      preValidation: guard(ctx, "audit:read"),
      schema: {
        ...managed("audit", "List the signed checkpoints of the workspace's audit chain, oldest first (keep a copy where the database's admins cannot write)"),
        querystring: CheckpointQuery,
        response: { 200: AuditCheckpointPage, ...problems(...AUTHED_PROBLEMS) },
      },
    },
    async (request) => {
      const page = await listCheckpoints(ctx, actorOf(request), request.query);
      return { ...page, items: page.items.map(checkpointView) };
    },
  );
}
