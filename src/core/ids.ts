// Public ids with a type prefix (`key_…`): time-ordered, so ordering by id is ordering by creation.
import { encodeBase62 } from "./base62.js";
import type { RandomBytes } from "./random.js";

export type IdType = "ws" | "api" | "key" | "id" | "role" | "req" | "aud" | "whk" | "msg";

const ID_BODY_LENGTH = 22;
const ID_PATTERN = /^(ws|api|key|id|role|req|aud|whk|msg)_[0-9A-Za-z]{22}$/;

/** 48-bit millisecond time then 80 random bits, fixed-width base62 (sorts like the number). */
export function createId(type: IdType, now: Date, random: RandomBytes): string {
  const bytes = random(10);
  let value = BigInt(now.getTime()) & 0xffffffffffffn;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return `${type}_${encodeBase62(value, ID_BODY_LENGTH)}`;
}

export function isId(type: IdType, value: string): boolean {
  return ID_PATTERN.test(value) && value.startsWith(`${type}_`);
}
