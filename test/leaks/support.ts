// Helpers of the leak-report tests: a local stand-in for GitHub's signing key, and an app that accepts
// reports signed with it, on the harness's services, with its log lines kept.
import { generateKeyPairSync, sign } from "node:crypto";
import { readFileSync } from "node:fs";
import { parseGithubPublicKeys, type GithubPublicKeys } from "../../src/leaks/index.js";
import { buildApp } from "../../src/server/app.js";
import type { Harness } from "../support/harness.js";

export const VECTOR = JSON.parse(readFileSync(new URL("../fixtures/github-secret-scanning.json", import.meta.url), "utf8")) as {
  request: { headers: Record<string, string>; body: string };
  public_keys: { public_keys: { key_identifier: string; key: string; is_current: boolean }[] };
};

export interface GithubSigner {
  keyId: string;
  /** The keys file as GitHub serves it: the local key plus GitHub's two published ones. */
  keysFile: string;
  keys: GithubPublicKeys;
  /** The headers GitHub would send with `body`. */
  headers(body: string): Record<string, string>;
}

export function githubSigner(keyId = "local-test-key-1"): GithubSigner {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const keysFile = JSON.stringify({
    public_keys: [...VECTOR.public_keys.public_keys, { key_identifier: keyId, key: publicKey.export({ type: "spki", format: "pem" }), is_current: true }],
  });
  return {
    keyId,
    keysFile,
    keys: parseGithubPublicKeys(keysFile, "test keys"),
    headers: (body) => ({
      "content-type": "application/json",
      "github-public-key-identifier": keyId,
      "github-public-key-signature": sign("sha256", Buffer.from(body), privateKey).toString("base64"),
    }),
  };
}

/** A second app on the harness's services that accepts GitHub reports; `lines` holds every log line it wrote. */
export async function githubApp(h: Harness, keys: GithubPublicKeys | null) {
  const lines: string[] = [];
  const app = await buildApp({ ctx: h.ctx, githubScanningKeys: keys, logger: { level: "trace", stream: { write: (line: string) => void lines.push(line) } } });
  await app.ready();
  const post = async (body: string, headers: Record<string, string>) => {
    const response = await app.inject({ method: "POST", url: "/v1/leaks/github", headers, payload: body });
    let json: any = null;
    try {
      json = JSON.parse(response.body);
    } catch {
      json = null;
    }
    return { status: response.statusCode, json, text: response.body, headers: response.headers };
  };
  return { app, lines, post };
}
