// The other half of audit verification on a second core: hashes pages of entries that the main thread
// read from the database, so reading the next page and hashing this one overlap (verify-stored-chain.ts).
import { parentPort } from "node:worker_threads";
import { hashEntry, type AuditEntry } from "../core/audit/entry.js";

parentPort?.on("message", (message: { id: number; entries: AuditEntry[] }) => {
  const hashes = new Array<string>(message.entries.length);
  for (let i = 0; i < message.entries.length; i++) hashes[i] = hashEntry(message.entries[i]!);
  parentPort!.postMessage({ id: message.id, hashes });
});
