import { invalidArgument } from '@shop/errors';
import { UUID } from './order-rules';

/** A position in a user's order list, newest first: the last order of the page before. */
export interface OrderCursor {
  createdAt: Date;
  id: string;
}

/**
 * Cursors are opaque to clients (base64url of JSON) so that the keyset they carry can change without
 * breaking anyone. Times are whole milliseconds, as the orders table stores them, so that a cursor
 * names an exact row.
 */
export function encodeCursor(cursor: OrderCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt.toISOString(), cursor.id])).toString('base64url');
}

export function decodeCursor(value: string): OrderCursor {
  const invalid = invalidArgument('The cursor is not valid', [
    { field: 'cursor', message: 'must be the nextCursor of a previous page' },
  ]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw invalid;
  const [createdAt, id] = parsed as unknown[];
  if (typeof createdAt !== 'string' || typeof id !== 'string' || !UUID.test(id)) throw invalid;
  const date = new Date(createdAt);
  if (Number.isNaN(date.getTime()) || date.toISOString() !== createdAt) throw invalid;
  return { createdAt: date, id };
}
