import { describe, expect, it } from "vitest";
import { headerSafe, identityHeaders } from "./identity-headers.js";

describe("identity headers", () => {
  it("passes plain ids as they are and percent-encodes anything a header cannot carry, or that holds %", () => {
    expect(headerSafe("customer-42@acme.com")).toBe("customer-42@acme.com");
    for (const id of ["café", "a\r\nX-Evil: 1", " padded", "100%", "tab\there"]) {
      const safe = headerSafe(id);
      expect(safe, id).toMatch(/^[\x21-\x7e]+$/);
      expect(decodeURIComponent(safe)).toBe(id);
    }
  });

  it("names only what is known", () => {
    expect(identityHeaders({ keyId: "key_1", identityId: null, externalId: null })).toEqual([["x-keyward-key-id", "key_1"]]);
  });
});
