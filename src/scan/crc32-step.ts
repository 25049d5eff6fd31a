// CRC-32 (IEEE, as the key checksum) one byte at a time: the key finder extends a single CRC across a
// candidate's possible ends instead of re-hashing the payload for each. core/crc32 stays the authority:
// every hit is confirmed with parseKey.
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

/** The running state after `byte`. Start from CRC32_INITIAL; finish with crc32Final. */
export function crc32Step(state: number, byte: number): number {
  return TABLE[(state ^ byte) & 0xff]! ^ (state >>> 8);
}

export function crc32Final(state: number): number {
  return (state ^ 0xffffffff) >>> 0;
}
