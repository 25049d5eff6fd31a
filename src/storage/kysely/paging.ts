// Keyset pagination by id (ids are time-ordered): fetch one row more than asked to know if more follow.
import type { Page, PageRequest } from "../port.js";

export const MAX_PAGE_SIZE = 100;

/** The port promises 1..100; out-of-range values are clamped rather than sent to the database. */
export function pageSize(page: PageRequest): number {
  const limit = Number.isFinite(page.limit) ? Math.trunc(page.limit) : MAX_PAGE_SIZE;
  return Math.min(Math.max(limit, 1), MAX_PAGE_SIZE);
}

/** How many rows to ask the database for. */
export function fetchSize(page: PageRequest): number {
  return pageSize(page) + 1;
}

/** Turns `limit + 1` rows ordered by id into a page whose cursor is set only when more rows exist. */
export function toPage<T extends { id: string }>(rows: T[], page: PageRequest): Page<T> {
  return toPageBy(rows, page, (item) => item.id);
}

/** The same for rows ordered by another unique key, which then is the cursor. */
export function toPageBy<T>(rows: T[], page: PageRequest, cursorOf: (item: T) => string): Page<T> {
  const limit = pageSize(page);
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last !== undefined ? cursorOf(last) : null };
}
