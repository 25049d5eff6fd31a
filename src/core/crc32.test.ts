import zlib from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { crc32 } from "./crc32.js";

// zlib.crc32 arrived in Node 20.15; where it exists it is the independent reference.
const zlibCrc32 = (zlib as { crc32?: (data: string | Uint8Array) => number }).crc32;

describe("crc32", () => {
  it("matches the CRC-32/IEEE check value and the empty-input value", () => {
    expect(crc32("123456789")).toBe(0xcbf43926);
    expect(crc32("")).toBe(0);
    expect(crc32("The quick brown fox jumps over the lazy dog")).toBe(0x414fa339);
  });

  it("is an unsigned 32-bit integer", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const value = crc32(text);
        expect(Number.isInteger(value) && value >= 0 && value <= 0xffffffff).toBe(true);
      }),
    );
  });

  it.runIf(zlibCrc32)("equals zlib.crc32 on ASCII strings (every key payload is ASCII)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary-ascii", maxLength: 200 }), (text) => {
        expect(crc32(text)).toBe(zlibCrc32!(text));
      }),
      { numRuns: 2000 },
    );
  });

  it.runIf(zlibCrc32)("equals zlib.crc32 on arbitrary Unicode strings (UTF-8, as zlib encodes a string)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 100 }), (text) => {
        expect(crc32(text)).toBe(zlibCrc32!(text));
      }),
      { numRuns: 2000 },
    );
    // Characters above U+00FF used to be truncated to their low byte, so these collided.
    expect(crc32("\u0100")).not.toBe(crc32("\u0000"));
  });

  it.runIf(zlibCrc32)("equals zlib.crc32 on the bytes the key format produces", () => {
    expect(crc32("acme_live_0123456789ABCDEFabcdefXYZ")).toBe(zlibCrc32!(Buffer.from("acme_live_0123456789ABCDEFabcdefXYZ")));
  });
});
