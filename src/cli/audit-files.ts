// What `keyward audit` does on this machine rather than on the server: reading the API's entries back
// into chain entries, checkpoint JSONL files (an append-only copy outside the database), and a local
// verification that trusts neither the server nor its database.
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import type { KeyObject } from "node:crypto";
import { canonicalJson, createChainVerifier, type AuditCheckpoint, type AuditEntry, type ChainVerdict } from "../core/index.js";
import { CliError, type ApiClient } from "./client.js";

type Row = Record<string, any>;

/** An entry as GET /v1/audit shows it, back in the form its hash was computed over. */
export function entryFromApi(row: Row): AuditEntry {
  return {
    ...(row as AuditEntry),
    time: new Date(row.time),
    actor: row.actor.type === "system" ? { type: "system" } : { type: "root_key", id: String(row.actor.id) },
    before: row.before === null ? null : canonicalJson(row.before),
    after: row.after === null ? null : canonicalJson(row.after),
  };
}

/** Every entry matching `query`, page by page. */
export async function* auditPages(client: ApiClient, query: URLSearchParams): AsyncGenerator<Row[]> {
  let cursor: string | null = null;
  do {
    const params = new URLSearchParams(query);
    params.set("limit", "100");
    if (cursor) params.set("cursor", cursor);
    const page = await client.request<{ items: Row[]; nextCursor: string | null }>("GET", `/v1/audit?${params}`);
    yield page.items;
    cursor = page.nextCursor;
  } while (cursor);
}

export function checkpointFromJson(row: Row): AuditCheckpoint {
  return { ...(row as AuditCheckpoint), at: new Date(row.at) };
}

export function readCheckpointFile(path: string): AuditCheckpoint[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line, index) => {
      try {
        return checkpointFromJson(JSON.parse(line) as Row);
      } catch {
        throw new CliError(`${path}:${index + 1} is not a checkpoint (one JSON object a line)`, 2);
      }
    });
}

/**
 * Adds the server's checkpoints that the file lacks; never rewrites a line. A checkpoint the file holds
 * with another hash or signature means one of the two was changed: it is reported, the file kept.
 */
export function appendCheckpoints(path: string, fresh: AuditCheckpoint[]): { added: number; conflicts: AuditCheckpoint[] } {
  const known = new Map(readCheckpointFile(path).map((checkpoint) => [`${checkpoint.workspaceId}:${checkpoint.seq}`, checkpoint]));
  const conflicts: AuditCheckpoint[] = [];
  const lines: string[] = [];
  for (const checkpoint of fresh) {
    const kept = known.get(`${checkpoint.workspaceId}:${checkpoint.seq}`);
    if (kept && (kept.hash !== checkpoint.hash || kept.signature !== checkpoint.signature)) conflicts.push(checkpoint);
    if (kept) continue;
    known.set(`${checkpoint.workspaceId}:${checkpoint.seq}`, checkpoint);
    lines.push(JSON.stringify({ ...checkpoint, at: checkpoint.at.toISOString() }));
  }
  if (lines.length > 0) appendFileSync(path, `${lines.join("\n")}\n`, { mode: 0o644 });
  return { added: lines.length, conflicts };
}

/** Reads the whole chain through the API and verifies it here against checkpoints kept elsewhere. */
export async function verifyLocally(client: ApiClient, checkpoints: AuditCheckpoint[], publicKey: KeyObject): Promise<ChainVerdict> {
  let verifier: ReturnType<typeof createChainVerifier> | null = null;
  for await (const page of auditPages(client, new URLSearchParams({ order: "asc" }))) {
    for (const row of page) {
      const entry = entryFromApi(row);
      // A file may hold several workspaces' checkpoints: the root key's workspace is the entries'.
      verifier ??= createChainVerifier({ checkpoints: checkpoints.filter((checkpoint) => checkpoint.workspaceId === entry.workspaceId), publicKey });
      verifier.push(entry);
    }
  }
  return (verifier ?? createChainVerifier({ checkpoints, publicKey })).finish();
}
