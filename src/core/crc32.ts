// CRC-32 (IEEE 802.3, as zlib): the key checksum. Written here because the key format is Keyward's own
// and the core must not depend on a Node version that ships zlib.crc32.
const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export const CRC32_INITIAL = 0xffffffff;

/** The running state after one more byte: lets a scanner extend one CRC across a candidate's possible ends. */
export function crc32Step(state: number, byte: number): number {
  return TABLE[(state ^ byte) & 0xff]! ^ (state >>> 8);
}

export function crc32Final(state: number): number {
  return (state ^ 0xffffffff) >>> 0;
}

const utf8 = new TextEncoder();

/** CRC-32 of the UTF-8 bytes of a string, as zlib.crc32. Keys are ASCII, so the hot path skips encoding. */
export function crc32(text: string): number {
  let crc = 0xffffffff;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // Beyond ASCII a char is not one byte: hash its UTF-8 bytes rather than truncate it (U+0100 ≠ U+0000).
    if (code > 0x7f) return crc32Bytes(utf8.encode(text));
    crc = TABLE[(crc ^ code) & 0xff]! ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function crc32Bytes(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
