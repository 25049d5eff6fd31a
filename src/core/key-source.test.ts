import { describe, expect, it } from "vitest";
import { DEFAULT_KEY_HEADERS, findKey, parseKeyHeaderRule, type KeyHeaderRule } from "./key-source.js";

const defaults = DEFAULT_KEY_HEADERS.map((text) => parseKeyHeaderRule(text)!) as KeyHeaderRule[];

describe("reading an API key from a request", () => {
  it("parses header rules, with and without a scheme", () => {
    expect(parseKeyHeaderRule("Authorization: Bearer")).toEqual({ header: "authorization", scheme: "bearer" });
    expect(parseKeyHeaderRule("X-API-Key")).toEqual({ header: "x-api-key", scheme: null });
    for (const bad of ["", "X API Key", "Authorization: Bearer token", "a:"]) expect(parseKeyHeaderRule(bad), bad).toBeNull();
  });

  it("reads Bearer, ApiKey (any case of the scheme) and X-API-Key", () => {
    expect(findKey({ authorization: "Bearer k1" }, defaults)).toEqual({ key: "k1", source: { kind: "header", header: "authorization" } });
    expect(findKey({ authorization: "apikey   k2 " }, defaults)?.key).toBe("k2");
    expect(findKey({ "x-api-key": " k3 " }, defaults)).toEqual({ key: "k3", source: { kind: "header", header: "x-api-key" } });
  });

  it("takes an Authorization header of another scheme for the API itself, not for a key", () => {
    expect(findKey({ authorization: "Basic dXNlcjpwdw==", "x-api-key": "k4" }, defaults)?.key).toBe("k4");
    expect(findKey({ authorization: "Basic dXNlcjpwdw==" }, defaults)).toBeNull();
    expect(findKey({ authorization: "Bearer" }, defaults)).toBeNull();
    expect(findKey({ authorization: "Bearer a b" }, defaults)).toBeNull();
  });

  it("uses only the configured rules, and the query parameter only when named", () => {
    const xOnly = [parseKeyHeaderRule("X-Key")!];
    expect(findKey({ authorization: "Bearer k1" }, xOnly)).toBeNull();
    expect(findKey({}, defaults, { search: "?a=1&api_key=k5", param: "api_key" })).toEqual({ key: "k5", source: { kind: "query", param: "api_key" } });
    expect(findKey({}, defaults)).toBeNull();
    expect(findKey({ "x-api-key": "k3" }, defaults, { search: "?api_key=k5", param: "api_key" })?.key).toBe("k3");
  });
});
