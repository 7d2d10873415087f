import { invalidArgument } from '@shop/errors';
import type { PagePosition } from '../data-access/email-repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A page cursor is the position of the last email of a page, opaque to clients (base64url of JSON), so
 * that the next page starts strictly after it however many emails were sent in between.
 */
export function encodeCursor(position: PagePosition): string {
  return Buffer.from(JSON.stringify([position.sentAt.toISOString(), position.id])).toString('base64url');
}

export function decodeCursor(cursor: string): PagePosition {
  const invalid = () =>
    invalidArgument('cursor is not valid', [
      { field: 'cursor', message: 'must be the next_cursor of a previous page' },
    ]);
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(decoded) || decoded.length !== 2) throw invalid();
  const [sentAt, id] = decoded as unknown[];
  if (typeof sentAt !== 'string' || typeof id !== 'string' || !UUID.test(id)) throw invalid();
  const date = new Date(sentAt);
  if (Number.isNaN(date.getTime())) throw invalid();
  return { sentAt: date, id };
}
