// Opaque cursors for `{ items, nextCursor }` pages. The cursor wraps the store's last id so that
// clients cannot depend on its shape; a cursor that does not decode is a 400, not an empty page.
import { KeywardError } from "../errors/index.js";
import type { Page, PageRequest } from "../storage/port.js";

const CURSOR_VERSION = "c1:";

export function encodeCursor(lastId: string): string {
  return Buffer.from(CURSOR_VERSION + lastId, "utf8").toString("base64url");
}

export function decodeCursor(cursor: string): string {
  const text = /^[A-Za-z0-9_-]{1,200}$/.test(cursor) ? Buffer.from(cursor, "base64url").toString("utf8") : "";
  if (!text.startsWith(CURSOR_VERSION) || !/^[a-z]+_[0-9A-Za-z]{22}$/.test(text.slice(CURSOR_VERSION.length))) {
    throw new KeywardError("INVALID_CURSOR", "Pass back the nextCursor of the previous page unchanged.");
  }
  return text.slice(CURSOR_VERSION.length);
}

export interface PageQuery {
  cursor?: string;
  limit?: number;
}

export const DEFAULT_PAGE_SIZE = 50;

export function toPageRequest(query: PageQuery): PageRequest {
  return { limit: query.limit ?? DEFAULT_PAGE_SIZE, ...(query.cursor ? { after: decodeCursor(query.cursor) } : {}) };
}

export function mapPage<T, U>(page: Page<T>, map: (item: T) => U): { items: U[]; nextCursor: string | null } {
  return { items: page.items.map(map), nextCursor: page.nextCursor ? encodeCursor(page.nextCursor) : null };
}
