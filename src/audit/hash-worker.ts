// The other half of audit verification on a second core: hashes pages of entries that the main thread
// read from the database, so reading the next page and hashing this one overlap (verify-stored-chain.ts).
// The page arrives as the entries' canonical encodings joined into one string (one copy to send,
// rather than a structured clone of every entry) with each encoding's length.
import { parentPort } from "node:worker_threads";
import { sha256Hex } from "../core/audit/entry.js";

parentPort?.on("message", (message: { id: number; text: string; lengths: number[] }) => {
  const hashes = new Array<string>(message.lengths.length);
  let at = 0;
  for (let i = 0; i < message.lengths.length; i++) {
    const end = at + message.lengths[i]!;
    hashes[i] = sha256Hex(message.text.slice(at, end));
    at = end;
  }
  parentPort!.postMessage({ id: message.id, hashes });
});
