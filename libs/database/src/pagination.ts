import { DomainError, Reason } from '@cdtg/errors';

/** A page of a keyset-paginated list (Relay-style connections are built from it in apps/api). */
export interface Page<T> {
  items: { node: T; cursor: string }[];
  hasNextPage: boolean;
  endCursor: string | null;
  totalCount: number;
}

export interface PageRequest {
  first: number;
  after?: string | null;
}

/** Opaque cursor: the sort key and id of the last row seen. */
export function encodeCursor(key: string | number, id: string): string {
  return Buffer.from(JSON.stringify([key, id])).toString('base64url');
}

export function decodeCursor(cursor: string): [string | number, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 2 && (typeof value[0] === 'string' || typeof value[0] === 'number') && typeof value[1] === 'string') {
      return value as [string | number, string];
    }
  } catch {
    // fall through
  }
  throw DomainError.invalid('after', Reason.NotACursor);
}

/** Builds a page from `first + 1` fetched rows. */
export function toPage<T>(rows: T[], first: number, totalCount: number, cursorOf: (row: T) => string): Page<T> {
  const items = rows.slice(0, first).map((node) => ({ node, cursor: cursorOf(node) }));
  return { items, hasNextPage: rows.length > first, endCursor: items.at(-1)?.cursor ?? null, totalCount };
}
