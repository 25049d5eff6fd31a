// Where a webhook may go, with DNS: the URL rules of the core, then every address the name resolves
// to. Used when an endpoint is saved (a 400 for the caller) and, as the connection's own lookup, on
// every attempt, so a name that re-resolves elsewhere later (DNS rebinding) is caught where it counts.
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import type { LookupFunction } from "node:net";
import { checkWebhookUrl, classifyAddress } from "../core/index.js";

/** All addresses of a host name. */
export type HostLookup = (host: string) => Promise<LookupAddress[]>;

export const systemLookup: HostLookup = (host) =>
  new Promise((resolve, reject) => dnsLookup(host, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))));

export interface TargetRules {
  allowInternal: boolean;
  lookup: HostLookup;
}

export type TargetCheck =
  | { ok: true; url: URL; addresses: string[] }
  | { ok: false; code: "WEBHOOK_URL_INVALID" | "WEBHOOK_URL_FORBIDDEN"; reason: string };

/** A refused address: the name is fine, where it leads is not. */
export class ForbiddenTargetError extends Error {
  readonly code = "EWEBHOOKFORBIDDEN";
  constructor(readonly reason: string) {
    super(`forbidden target: ${reason}`);
    this.name = "ForbiddenTargetError";
  }
}

/** The first refused address among `addresses`, described. */
function refusal(addresses: readonly string[]): string | null {
  for (const address of addresses) {
    const verdict = classifyAddress(address);
    if (!verdict.ok) return `resolves to a ${verdict.range} address (${address})`;
  }
  return null;
}

export async function checkWebhookTarget(raw: string, rules: TargetRules): Promise<TargetCheck> {
  const checked = checkWebhookUrl(raw, rules);
  if (!checked.ok) return { ok: false, code: checked.reason.startsWith("points to") ? "WEBHOOK_URL_FORBIDDEN" : "WEBHOOK_URL_INVALID", reason: checked.reason };
  if (checked.literal) return { ok: true, url: checked.url, addresses: [checked.host] };
  let answers: LookupAddress[];
  try {
    answers = await rules.lookup(checked.host);
  } catch {
    return { ok: false, code: "WEBHOOK_URL_INVALID", reason: "host name does not resolve" };
  }
  if (answers.length === 0) return { ok: false, code: "WEBHOOK_URL_INVALID", reason: "host name does not resolve" };
  const addresses = answers.map((answer) => answer.address);
  // Any refused address refuses the name: a client may connect to any of them.
  const refused = rules.allowInternal ? null : refusal(addresses);
  return refused ? { ok: false, code: "WEBHOOK_URL_FORBIDDEN", reason: refused } : { ok: true, url: checked.url, addresses };
}

/**
 * A `net.connect` lookup that resolves through `rules.lookup` and refuses the connection when any
 * address is not allowed: the socket connects to exactly the addresses that were checked.
 */
export function guardedLookup(rules: TargetRules): LookupFunction {
  return (hostname, options, callback) => {
    rules.lookup(hostname).then(
      (answers) => {
        const refused = rules.allowInternal ? null : refusal(answers.map((answer) => answer.address));
        if (refused) return callback(new ForbiddenTargetError(refused), "", 0);
        const first = answers[0];
        if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: "ENOTFOUND" }), "", 0);
        if (options.all) return (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, answers);
        return callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, "", 0),
    );
  };
}
