import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateKey } from "./key-format.js";
import { importedKeyStart, isPlausibleImportedKey } from "./imported-key.js";

describe("isPlausibleImportedKey", () => {
  it("accepts printable ASCII keys of 16 to 256 characters", () => {
    expect(isPlausibleImportedKey("sk_legacy_0123456789abcdef")).toBe(true);
    expect(isPlausibleImportedKey("a".repeat(16))).toBe(true);
    expect(isPlausibleImportedKey("~".repeat(256))).toBe(true);
    expect(isPlausibleImportedKey("!#$%&'()*+,-./:;<=>?@[]^_`{|}")).toBe(true);
  });

  it("refuses short, long, spaced, control and non-ASCII strings", () => {
    expect(isPlausibleImportedKey("a".repeat(15))).toBe(false);
    expect(isPlausibleImportedKey("a".repeat(257))).toBe(false);
    expect(isPlausibleImportedKey("legacy key with spaces")).toBe(false);
    expect(isPlausibleImportedKey("legacy\tkey0123456789")).toBe(false);
    expect(isPlausibleImportedKey("légacy-key-0123456789")).toBe(false);
    expect(isPlausibleImportedKey(42 as unknown as string)).toBe(false);
  });
});

describe("importedKeyStart", () => {
  it("keeps 4 characters of a foreign key, never the key", () => {
    expect(importedKeyStart("sk_legacy_0123456789abcdef")).toBe("sk_l");
  });

  it("keeps Keyward's own start for a key in Keyward's format", () => {
    const generated = generateKey("acme", "live", randomBytes);
    expect(importedKeyStart(generated.key)).toBe(generated.start);
  });
});
