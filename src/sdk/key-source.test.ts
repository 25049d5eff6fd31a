import { describe, expect, it } from "vitest";
import { createKeyReader, type IncomingRequest } from "./key-source.js";

const request = (headers: Record<string, string>, url = "/"): IncomingRequest => ({ header: (name) => headers[name], url, ip: undefined });

describe("createKeyReader", () => {
  const read = createKeyReader({});

  it("reads Bearer and ApiKey (any case) and X-API-Key, in that order", () => {
    expect(read(request({ authorization: "Bearer k1" }))).toBe("k1");
    expect(read(request({ authorization: "apikey k2" }))).toBe("k2");
    expect(read(request({ "x-api-key": " k3 " }))).toBe("k3");
    expect(read(request({ authorization: "Bearer k1", "x-api-key": "k3" }))).toBe("k1");
  });

  it("treats another scheme as no key, so X-API-Key still counts", () => {
    expect(read(request({ authorization: "Basic dXNlcjpwdw==" }))).toBeNull();
    expect(read(request({ authorization: "Basic dXNlcjpwdw==", "x-api-key": "k" }))).toBe("k");
    expect(read(request({ authorization: "Bearer" }))).toBeNull();
    expect(read(request({ authorization: "Bearer a b" }))).toBeNull();
  });

  it("ignores the query unless a parameter is named", () => {
    expect(read(request({}, "/x?api_key=k"))).toBeNull();
    expect(createKeyReader({ queryParam: "api_key" })(request({}, "/x?api_key=k"))).toBe("k");
    expect(createKeyReader({ queryParam: "api_key" })(request({}, "https://h.example/x?api_key=k&b=1"))).toBe("k");
  });

  it("honours a custom header and turned-off sources", () => {
    const custom = createKeyReader({ keyHeader: "X-Token", authorizationSchemes: [] });
    expect(custom(request({ "x-token": "k" }))).toBe("k");
    expect(custom(request({ authorization: "Bearer k" }))).toBeNull();
    expect(createKeyReader({ keyHeader: false })(request({ "x-api-key": "k" }))).toBeNull();
  });
});
