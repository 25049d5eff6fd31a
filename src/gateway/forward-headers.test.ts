import { describe, expect, it } from "vitest";
import { DEFAULT_KEY_HEADERS, parseKeyHeaderRule } from "../core/index.js";
import { clientHeaders, upstreamHeaders } from "./forward-headers.js";

const pairs = (flat: string[]) => Array.from({ length: flat.length / 2 }, (_, index) => [flat[index * 2]!.toLowerCase(), flat[index * 2 + 1]!]);
const base = { peer: "10.0.0.9", proto: "http" as const, trustProxy: false, strip: null, identity: null };

describe("headers sent to the upstream", () => {
  it("drops hop-by-hop headers, those the Connection header names, and every client X-Keyward-* header", () => {
    const raw = ["Host", "api.example", "Connection", "keep-alive, X-Secret", "X-Secret", "1", "Transfer-Encoding", "chunked", "TE", "trailers", "Expect", "100-continue",
      "X-Keyward-Key-Id", "key_forged", "x-keyward-identity", "id_forged", "Accept", "application/json", "Cookie", "a=1", "Cookie", "b=2"];
    expect(pairs(upstreamHeaders(raw, base))).toEqual([
      ["accept", "application/json"], ["cookie", "a=1"], ["cookie", "b=2"],
      ["x-forwarded-for", "10.0.0.9"], ["x-forwarded-proto", "http"], ["x-forwarded-host", "api.example"],
    ]);
  });

  it("strips every header that can carry a key, keeps an Authorization of another scheme, and adds the caller's identity", () => {
    const rules = DEFAULT_KEY_HEADERS.map((text) => parseKeyHeaderRule(text)!);
    const raw = ["Authorization", "Bearer k", "X-API-Key", "second", "authorization", "apikey third", "Authorization", "Basic dTpw"];
    const identity = { keyId: "key_1", identityId: "id_1", externalId: "acme corp/ü" };
    expect(pairs(upstreamHeaders(raw, { ...base, strip: rules, identity }))).toEqual([
      ["authorization", "Basic dTpw"], ["x-forwarded-for", "10.0.0.9"], ["x-forwarded-proto", "http"],
      ["x-keyward-key-id", "key_1"], ["x-keyward-identity", "id_1"], ["x-keyward-external-id", "acme%20corp%2F%C3%BC"],
    ]);
  });

  it("replaces client-supplied forwarding headers unless a trusted proxy is in front, then appends to them", () => {
    const raw = ["X-Forwarded-For", "1.2.3.4", "X-Forwarded-Proto", "https", "X-Forwarded-Host", "front.example", "Forwarded", "for=1.2.3.4", "X-Real-IP", "1.2.3.4", "Host", "gw"];
    expect(pairs(upstreamHeaders(raw, base))).toEqual([["x-forwarded-for", "10.0.0.9"], ["x-forwarded-proto", "http"], ["x-forwarded-host", "gw"]]);
    expect(pairs(upstreamHeaders(raw, { ...base, trustProxy: true }))).toEqual([
      ["forwarded", "for=1.2.3.4"], ["x-real-ip", "1.2.3.4"],
      ["x-forwarded-for", "1.2.3.4, 10.0.0.9"], ["x-forwarded-proto", "https"], ["x-forwarded-host", "front.example"],
    ]);
  });
});

describe("headers sent back to the client", () => {
  it("keeps the upstream's headers (set-cookie lists too) minus hop-by-hop ones, plus the gateway's", () => {
    const upstream = { "content-type": "text/plain", "set-cookie": ["a=1", "b=2"], connection: "keep-alive, x-hop", "x-hop": "1", "keep-alive": "timeout=5", "transfer-encoding": "chunked" };
    expect(clientHeaders(upstream, { RateLimit: '"burst";r=1;t=1' })).toEqual({ "content-type": "text/plain", "set-cookie": ["a=1", "b=2"], RateLimit: '"burst";r=1;t=1' });
  });
});
