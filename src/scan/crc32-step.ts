// The byte-at-a-time CRC-32 the key finder extends across a candidate's possible ends; the core's
// key-checksum CRC, so both always agree (every hit is still confirmed with parseKey).
export { CRC32_INITIAL, crc32Final, crc32Step } from "../core/crc32.js";
