import { decodeCursor as decodeKeyset, encodeCursor as encodeKeyset } from '@shop/domain-helpers';

/** A position in a user's order list, newest first: the last order of the page before. */
export interface OrderCursor {
  createdAt: Date;
  id: string;
}

/** The shared keyset cursor (opaque base64url, exact to the millisecond), keyed by creation time. */
export function encodeCursor(cursor: OrderCursor): string {
  return encodeKeyset({ at: cursor.createdAt, id: cursor.id });
}

export function decodeCursor(value: string): OrderCursor {
  const { at, id } = decodeKeyset(value);
  return { createdAt: at, id };
}
