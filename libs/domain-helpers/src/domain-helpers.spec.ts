import { randomUUID } from 'node:crypto';
import { decodeCursor, encodeCursor, isUuid, limitProblem, pageOf, pageSize, uuidProblem } from './index';

describe('uuid checks', () => {
  it('tells UUIDs from other strings, in either case', () => {
    const id = '3f2c1d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
    expect(isUuid(id)).toBe(true);
    expect(isUuid(id.toUpperCase())).toBe(true);
    expect(isUuid(`${id} `)).toBe(false);
    expect(isUuid('order-42')).toBe(false);
    expect(uuidProblem('orderId', 'order-42')).toEqual({ field: 'orderId', message: 'must be a UUID' });
    expect(uuidProblem('orderId', id)).toBeUndefined();
  });
});

describe('keyset cursors', () => {
  it('reads back the position it encoded, exactly', () => {
    const position = { at: new Date('2026-01-02T03:04:05.678Z'), id: randomUUID() };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it.each([
    ['not base64 JSON', '!!!'],
    ['another shape', Buffer.from('{"a":1}').toString('base64url')],
    ['an id that is not a UUID', Buffer.from('["2026-01-02T03:04:05.678Z","x"]').toString('base64url')],
    ['a time that is not one', Buffer.from(`["yesterday","${randomUUID()}"]`).toString('base64url')],
    ['a time not written as encoded', Buffer.from(`["2026-01-02","${randomUUID()}"]`).toString('base64url')],
  ])('refuses %s as INVALID_ARGUMENT on the cursor field', (_label, cursor) => {
    const refusal = (() => {
      try {
        decodeCursor(cursor);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(refusal).toMatchObject({ code: 'INVALID_ARGUMENT', details: [{ field: 'cursor' }] });
  });
});

describe('paging', () => {
  const sizes = { defaultSize: 20, maxSize: 100 };

  it('sizes a page: the default for 0, capped at the maximum', () => {
    expect([0, 1, 100, 101].map((limit) => pageSize(limit, sizes))).toEqual([20, 1, 100, 100]);
    expect([0, 5].map(limitProblem)).toEqual([undefined, undefined]);
    expect(limitProblem(-1)).toEqual(expect.objectContaining({ field: 'limit' }));
    expect(limitProblem(1.5)).toEqual(expect.objectContaining({ field: 'limit' }));
  });

  it('serves `size` rows of one more, with a cursor at the last one served only when more follow', () => {
    const rows = [3, 2, 1].map((n) => ({ at: new Date(n * 1000), id: randomUUID() }));
    const more = pageOf(rows, 2, (row) => row);
    expect(more.items).toEqual(rows.slice(0, 2));
    expect(more.nextCursor && decodeCursor(more.nextCursor)).toEqual(rows[1]);
    expect(pageOf(rows, 3, (row) => row)).toEqual({ items: rows, nextCursor: undefined });
    expect(pageOf([], 3, (row: { at: Date; id: string }) => row)).toEqual({
      items: [],
      nextCursor: undefined,
    });
  });
});
