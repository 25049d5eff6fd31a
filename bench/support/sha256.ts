// The floor's hash: SHA-256 hex by the fastest means Node offers (one-shot crypto.hash where it exists),
// so that the floor is as cheap as a verification could possibly be.
import * as crypto from "node:crypto";

const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: "hex") => string }).hash;

export const sha256Hex: (text: string) => string =
  typeof oneShot === "function" ? (text) => oneShot("sha256", text, "hex") : (text) => crypto.createHash("sha256").update(text).digest("hex");
