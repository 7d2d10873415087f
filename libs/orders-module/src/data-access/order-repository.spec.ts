import type { Pool } from '@shop/db';
import { createTestDatabase, type TestDatabase } from '@shop/testing';
import { migrations } from './migrations';
import { createOrderRepository } from './order-repository';

const USERS = {
  ada: { id: '0b3c1f52-6f4e-4c8e-9a51-2f6d9b1e7a01', email: 'ada@example.com', name: 'Ada Lovelace' },
  grace: { id: '5d2a7c93-1b8e-4f60-8d3c-7e4a2b9c0d02' },
} as const;

const SLOW_MS = 400;

/** The pool, noting the text of every query it runs. */
function watched(pool: Pool): { pool: Pool; queries: string[] } {
  const queries: string[] = [];
  const query = pool.query.bind(pool) as (text: string, values?: unknown[]) => Promise<unknown>;
  const spy = Object.create(pool) as Pool;
  Object.assign(spy, {
    query: (text: string, values?: unknown[]) => {
      queries.push(text);
      return query(text, values);
    },
  });
  return { pool: spy, queries };
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await work();
  return { result, ms: performance.now() - started };
}

describe('order reads with the orders-slow-query-ms fault', () => {
  let db: TestDatabase;
  const orderId = '7f0c2a4e-3b1d-4c6e-8a9f-0d1e2f3a4b5c';

  beforeAll(async () => {
    db = await createTestDatabase('orders_slow_query', migrations);
    await createOrderRepository(db.pool).insert({
      id: orderId,
      userId: USERS.ada.id,
      items: [{ sku: 'milk-jug', quantity: 1, unitPriceCents: 1900 }],
      totalCents: 1900,
      currency: 'EUR',
      paymentMethod: 'pm_card_visa',
      customerEmail: USERS.ada.email,
      customerName: USERS.ada.name,
      idempotencyKey: null,
      requestHash: null,
    });
  });

  afterAll(() => db.drop());

  it('makes GetOrder and ListOrders wait in the database (pg_sleep), answering as usual', async () => {
    const { pool, queries } = watched(db.pool);
    const orders = createOrderRepository(pool, {
      faults: { ordersSlowQueryMs: () => Promise.resolve(SLOW_MS) },
    });

    const one = await timed(() => orders.findForUser(orderId, USERS.ada.id));
    expect(one.result?.id).toBe(orderId);
    expect(one.ms).toBeGreaterThanOrEqual(SLOW_MS - 10);

    const page = await timed(() => orders.listForUser(USERS.ada.id, 10, undefined));
    expect(page.result.map((order) => order.id)).toEqual([orderId]);
    expect(page.ms).toBeGreaterThanOrEqual(SLOW_MS - 10);

    // Waits even when nothing matches: the wait is checked once, before the scan.
    const none = await timed(() => orders.findForUser(orderId, USERS.grace.id));
    expect(none.result).toBeUndefined();
    expect(none.ms).toBeGreaterThanOrEqual(SLOW_MS - 10);

    // The wait is part of the read query itself, so its span shows a slow query.
    expect(queries).toHaveLength(3);
    expect(queries.every((text) => text.includes('pg_sleep'))).toBe(true);
  });

  it('leaves the queries as they are while the fault is off', async () => {
    const { pool, queries } = watched(db.pool);
    const orders = createOrderRepository(pool, { faults: { ordersSlowQueryMs: () => Promise.resolve(0) } });
    await expect(orders.findForUser(orderId, USERS.ada.id)).resolves.toMatchObject({ id: orderId });
    await expect(orders.listForUser(USERS.ada.id, 10, undefined)).resolves.toHaveLength(1);
    expect(queries).toHaveLength(2);
    expect(queries.some((text) => text.includes('pg_sleep'))).toBe(false);
  });
});
