import type { ErrorDetail } from '@shop/errors';
import { encodeCursor, type KeysetPosition } from './cursor';

export interface PageSizes {
  /** The size of a page when the client asks for none (a limit of 0). */
  defaultSize: number;
  /** The largest page served; larger limits are capped to it. */
  maxSize: number;
}

/** The detail an INVALID_ARGUMENT names when a page limit is not a whole number of at least 0. */
export function limitProblem(limit: number): ErrorDetail | undefined {
  return Number.isInteger(limit) && limit >= 0
    ? undefined
    : { field: 'limit', message: 'must be 0 (the default) or more' };
}

/** How many rows a page holds for a valid `limit`: 0 means the default, and nothing exceeds the maximum. */
export function pageSize(limit: number, sizes: PageSizes): number {
  return limit === 0 ? sizes.defaultSize : Math.min(limit, sizes.maxSize);
}

export interface Page<T> {
  items: T[];
  /** Where the next page starts; undefined on the last page. */
  nextCursor: string | undefined;
}

/**
 * A page from `rows`, fetched as one more than `size`: the extra row tells whether another page
 * follows, without counting. The cursor names the last row served.
 */
export function pageOf<T>(rows: readonly T[], size: number, positionOf: (row: T) => KeysetPosition): Page<T> {
  const items = rows.slice(0, size);
  const last = items.at(-1);
  return {
    items,
    nextCursor: rows.length > size && last !== undefined ? encodeCursor(positionOf(last)) : undefined,
  };
}
