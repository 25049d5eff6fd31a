// Remote mode: each request is verified by a Keyward server (`POST /v1/keys/verify` with a root key
// holding keys:verify), over kept-alive connections. The root key comes from the environment only
// and is never logged; Keyward's answer carries everything the client's HTTP answer needs.
import { Pool } from "undici";
import { headerInputFromAnswer, isPlausibleImportedKey, parseKey, type VerificationCode } from "../core/index.js";
import { KeywardUnavailableError, type KeyChecker, type KeyVerdict } from "./key-checker.js";

export interface RemoteCheckerOptions {
  /** The Keyward server, e.g. `http://127.0.0.1:8080`. */
  url: string;
  rootKey: string;
  apiId: string;
  timeoutMs: number;
  /**
   * The API holds imported keys (not in Keyward's format): pass keys that fail the format check but could
   * be such a key (16-256 printable characters) on to Keyward, which looks them up. Default: refused here.
   */
  importedKeys?: boolean;
}

interface VerifyAnswer {
  code: VerificationCode;
  keyId: string | null;
  identity: { id: string; externalId: string } | null;
  ratelimits: Array<{ name: string; limit: number; remaining: number; reset: number; durationMs: number; allowed: boolean; retryAfterMs: number | null }>;
}

/** The verify route bounds `origin`; a longer Referer is cut (its origin, the part rules match, comes first). */
const MAX_ORIGIN = 2048;

export function createRemoteChecker(options: RemoteCheckerOptions): KeyChecker {
  const base = new URL(options.url);
  const path = `${base.pathname.replace(/\/$/, "")}/v1/keys/verify`;
  const pool = new Pool(base.origin, { keepAliveTimeout: 30_000, connectTimeout: options.timeoutMs });
  const headers = { authorization: `Bearer ${options.rootKey}`, "content-type": "application/json" };

  return {
    async check(key, { route, ip, origin }): Promise<KeyVerdict> {
      // A malformed key is refused before any lookup, here as in the server: no round trip for noise.
      if (!parseKey(key).ok && !(options.importedKeys && isPlausibleImportedKey(key))) {
        return { code: "MALFORMED", keyId: null, identityId: null, externalId: null, ratelimits: [] };
      }
      const body = JSON.stringify({
        key,
        apiId: options.apiId,
        ip,
        ...(origin !== undefined ? { origin: origin.slice(0, MAX_ORIGIN) } : {}),
        ...(route.permissions ? { permissions: route.permissions.text } : {}),
        ...(route.ratelimits ? { ratelimits: route.ratelimits } : {}),
        ...(route.cost !== undefined ? { cost: route.cost } : {}),
      });
      let answer: VerifyAnswer;
      try {
        const response = await pool.request({ method: "POST", path, headers, body, headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs });
        if (response.statusCode !== 200) {
          await response.body.dump();
          // 401/403: the root key was revoked or lost keys:verify since start-up.
          throw new KeywardUnavailableError(`Keyward answered ${response.statusCode} to a verification`);
        }
        answer = (await response.body.json()) as VerifyAnswer;
      } catch (error) {
        if (error instanceof KeywardUnavailableError) throw error;
        throw new KeywardUnavailableError(`Keyward could not be reached (${(error as { code?: string }).code ?? (error as Error).message})`);
      }
      const now = Date.now();
      return {
        code: answer.code,
        keyId: answer.keyId,
        identityId: answer.identity?.id ?? null,
        externalId: answer.identity?.externalId ?? null,
        ratelimits: headerInputFromAnswer(answer.ratelimits, now),
      };
    },
    close: () => pool.close(),
  };
}

/**
 * Start-up check: the server answers, and the root key may verify. A malformed key is verified so
 * that nothing is looked up or counted. Messages name the variable, never the key.
 */
export async function probeRemote(options: RemoteCheckerOptions): Promise<string | null> {
  const base = new URL(options.url);
  const pool = new Pool(base.origin, { connectTimeout: options.timeoutMs });
  try {
    const response = await pool.request({
      method: "POST",
      path: `${base.pathname.replace(/\/$/, "")}/v1/keys/verify`,
      headers: { authorization: `Bearer ${options.rootKey}`, "content-type": "application/json" },
      body: JSON.stringify({ key: "x" }),
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    await response.body.dump();
    if (response.statusCode === 200) return null;
    if (response.statusCode === 401) return "KEYWARD_ROOT_KEY is not a valid root key of that server";
    if (response.statusCode === 403) return "KEYWARD_ROOT_KEY lacks the permission keys:verify";
    return `KEYWARD_URL answered ${response.statusCode} to a verification; is it a Keyward server?`;
  } catch (error) {
    return `KEYWARD_URL ${base.origin} cannot be reached (${(error as { code?: string }).code ?? (error as Error).message})`;
  } finally {
    await pool.close();
  }
}
