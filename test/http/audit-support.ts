// Helpers of the audit HTTP tests: changes sent as a known client, and reading the log back.
import { expect } from "vitest";
import type { Harness } from "../support/harness.js";
import { send, type Reply } from "./fixtures.js";

export const USER_AGENT = "audit-test/1.0";

/** A JSON call with the install root key (or another) and a recognisable User-Agent. */
export function change(h: Harness, method: string, url: string, body?: unknown, rootKey = h.rootKey): Promise<Reply> {
  return send(h, {
    method,
    url,
    headers: { authorization: `Bearer ${rootKey}`, "user-agent": USER_AGENT, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
  });
}

/** Entries of GET /v1/audit with the given query (default: the newest 50). */
export async function auditEntries(h: Harness, query = "", rootKey = h.rootKey): Promise<any[]> {
  const reply = await send(h, { method: "GET", url: `/v1/audit${query ? `?${query}` : ""}`, headers: { authorization: `Bearer ${rootKey}` } });
  expect(reply.status, reply.text).toBe(200);
  return reply.json.items;
}

/** The newest `count` entries, oldest of them first. */
export async function newest(h: Harness, count = 1, rootKey = h.rootKey): Promise<any[]> {
  return (await auditEntries(h, `limit=${count}`, rootKey)).reverse();
}
