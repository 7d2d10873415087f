import { invalidArgument } from '@shop/errors';
import { isUuid } from './uuid';

/**
 * A position in a list ordered newest first by (time, id): the last row of the page before. The id
 * breaks ties between rows of the same millisecond.
 */
export interface KeysetPosition {
  at: Date;
  id: string;
}

/**
 * Cursors are opaque to clients (base64url of JSON) so that the keyset they carry can change without
 * breaking anyone. Times are whole milliseconds, as the tables store them, so a cursor names an exact row.
 */
export function encodeCursor(position: KeysetPosition): string {
  return Buffer.from(JSON.stringify([position.at.toISOString(), position.id])).toString('base64url');
}

/** The position a cursor names, or INVALID_ARGUMENT for anything `encodeCursor` did not make. */
export function decodeCursor(cursor: string): KeysetPosition {
  const invalid = () =>
    invalidArgument('The cursor is not valid', [
      { field: 'cursor', message: 'must be the nextCursor of a previous page' },
    ]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw invalid();
  const [at, id] = parsed as unknown[];
  if (typeof at !== 'string' || typeof id !== 'string' || !isUuid(id)) throw invalid();
  const date = new Date(at);
  if (Number.isNaN(date.getTime()) || date.toISOString() !== at) throw invalid();
  return { at: date, id };
}
