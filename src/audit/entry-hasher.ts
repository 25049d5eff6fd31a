// Hashing audit entries off the main thread. Verifying a long chain is reading pages from the database
// and hashing every entry; on one thread the two add up, on two they overlap (the main thread reads
// the next page while a worker hashes this one). Falls back to hashing inline when no worker can start.
import { Worker } from "node:worker_threads";
import { encodeEntry, hashEntry, type AuditEntry } from "../core/index.js";

export interface EntryHasher {
  /** The hash each entry's content has (to compare with the hash it claims). */
  hash(entries: AuditEntry[]): Promise<string[]>;
  close(): Promise<void>;
}

export const inlineHasher: EntryHasher = {
  hash: async (entries) => entries.map((entry) => hashEntry(entry)),
  close: async () => {},
};

/**
 * A worker running hash-worker.js beside this file. Under tsx/vitest the sources are TypeScript: the
 * worker then loads the .ts file through tsx's loader (a development dependency; compiled installs run
 * the .js file on plain node).
 */
export function startWorkerHasher(): EntryHasher {
  const fromSource = import.meta.url.endsWith(".ts");
  const file = new URL(fromSource ? "./hash-worker.ts" : "./hash-worker.js", import.meta.url);
  let worker: Worker;
  try {
    worker = new Worker(file, fromSource ? { execArgv: ["--import", "tsx"] } : {});
  } catch {
    return inlineHasher;
  }
  worker.unref();
  const waiting = new Map<number, { entries: AuditEntry[]; resolve: (hashes: string[]) => void }>();
  let failed = false;
  let next = 0;
  // A worker that dies (or never started) leaves its pages to the main thread: same answers, slower.
  const fail = () => {
    if (failed) return;
    failed = true;
    for (const [id, { entries, resolve }] of waiting) {
      waiting.delete(id);
      resolve(entries.map((entry) => hashEntry(entry)));
    }
  };
  worker.on("message", (message: { id: number; hashes: string[] }) => {
    const request = waiting.get(message.id);
    waiting.delete(message.id);
    request?.resolve(message.hashes);
  });
  worker.on("error", fail);
  worker.on("exit", fail);
  return {
    hash(entries) {
      if (failed) return inlineHasher.hash(entries);
      return new Promise((resolve) => {
        const id = next++;
        waiting.set(id, { entries, resolve });
        // Encoding stays here (cheap string building); UTF-8 conversion and SHA-256 go to the worker.
        const encoded = entries.map((entry) => encodeEntry(entry));
        worker.postMessage({ id, text: encoded.join(""), lengths: encoded.map((text) => text.length) });
      });
    },
    async close() {
      failed = true;
      await worker.terminate();
    },
  };
}
