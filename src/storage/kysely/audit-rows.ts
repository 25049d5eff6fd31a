// Audit rows to records and back: times through the dialect's codec, views as the stored canonical text.
import type { Insertable, Selectable } from "kysely";
import type { AuditCheckpoint, AuditEntry } from "../../core/index.js";
import type { DialectProfile } from "./dialect-profile.js";
import type { AuditCheckpointsTable, AuditLogTable } from "./schema.js";

export function toAuditRow(profile: DialectProfile, entry: AuditEntry): Insertable<AuditLogTable> {
  return {
    workspace_id: entry.workspaceId,
    seq: entry.seq,
    id: entry.id,
    occurred_at: profile.time.encode(entry.time),
    actor_type: entry.actor.type,
    actor_id: entry.actor.type === "root_key" ? entry.actor.id : null,
    action: entry.action,
    target_type: entry.target.type,
    target_id: entry.target.id,
    before_view: entry.before,
    after_view: entry.after,
    request_id: entry.requestId,
    source_ip: entry.sourceIp,
    user_agent: entry.userAgent,
    prev_hash: entry.prevHash,
    hash: entry.hash,
  };
}

/**
 * A row as it is, even when tampered with: verification must see what the database holds. An unknown
 * actor type reads as a root key with whatever id is there, and then fails its hash.
 */
export function toAuditEntry(profile: DialectProfile, row: Selectable<AuditLogTable>): AuditEntry {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    seq: Number(row.seq),
    time: profile.time.decode(row.occurred_at),
    actor: row.actor_type === "system" && row.actor_id === null ? { type: "system" } : { type: "root_key", id: row.actor_id ?? "" },
    action: row.action,
    target: { type: row.target_type, id: row.target_id },
    before: row.before_view,
    after: row.after_view,
    requestId: row.request_id,
    sourceIp: row.source_ip,
    userAgent: row.user_agent,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export function toCheckpointRow(profile: DialectProfile, checkpoint: AuditCheckpoint): Insertable<AuditCheckpointsTable> {
  return {
    workspace_id: checkpoint.workspaceId,
    seq: checkpoint.seq,
    hash: checkpoint.hash,
    at: profile.time.encode(checkpoint.at),
    key_id: checkpoint.keyId,
    signature: checkpoint.signature,
  };
}

export function toCheckpoint(profile: DialectProfile, row: Selectable<AuditCheckpointsTable>): AuditCheckpoint {
  return {
    workspaceId: row.workspace_id,
    seq: Number(row.seq),
    hash: row.hash,
    at: profile.time.decode(row.at),
    keyId: row.key_id,
    signature: row.signature,
  };
}
