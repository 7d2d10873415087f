import type { EventDelivery, OutgoingEvent, Transaction, UnitOfWork } from '@shop/messaging/ports';
import type { OrderRepository, StoredOrder } from '../src/domain/order';
import type { CatalogPrice } from '../src/domain/order-pricing';
import { createOrderUseCases } from '../src/domain/orders';
import { createPaymentOutcomes } from '../src/domain/payment-outcomes';
import type { Customer, CustomerDirectory, OrderRepositories } from '../src/domain/ports';

export const ADA = {
  id: '0b3c1f52-6f4e-4c8e-9a51-2f6d9b1e7a01',
  email: 'ada@example.com',
  name: 'Ada Lovelace',
};
export const GRACE = {
  id: '5d2a7c93-1b8e-4f60-8d3c-7e4a2b9c0d02',
  email: 'grace@example.com',
  name: 'Grace Hopper',
};
export const TOPIC = 'orders.v1.events';

/**
 * The order use cases in-process, over ports kept in memory: no database, broker or span in sight.
 * What they do over Postgres and Kafka is covered by apps/orders-service/test.
 */
export function inMemoryOrders(options: { customers?: CustomerDirectory } = {}) {
  let rows = new Map<string, StoredOrder>();
  const published: OutgoingEvent[] = [];
  const handled = new Set<string>();
  const prices = new Map<string, CatalogPrice>([
    ['beans-huila', { priceCents: 1_290, currency: 'EUR' }],
    ['paper-filters', { priceCents: 650, currency: 'EUR' }],
  ]);
  // Each order a millisecond after the one before, so lists have a defined order.
  let clock = Date.parse('2026-01-01T00:00:00.000Z');
  const known = new Map<string, Customer>([ADA, GRACE].map(({ id, ...customer }) => [id, customer]));

  const orders: OrderRepository = {
    insert(order) {
      const taken = [...rows.values()].some(
        (row) =>
          order.idempotencyKey !== null &&
          row.userId === order.userId &&
          row.idempotencyKey === order.idempotencyKey,
      );
      if (taken) return Promise.resolve(undefined);
      clock += 1;
      const stored: StoredOrder = {
        ...order,
        status: 'PENDING',
        cancellationReason: null,
        payment: null,
        createdAt: new Date(clock),
        updatedAt: new Date(clock),
      };
      rows.set(stored.id, stored);
      return Promise.resolve(stored);
    },
    findByIdempotencyKey: (userId, key) =>
      Promise.resolve([...rows.values()].find((row) => row.userId === userId && row.idempotencyKey === key)),
    findForUser: (id, userId) => Promise.resolve([rows.get(id)].find((row) => row?.userId === userId)),
    listForUser(userId, limit, after) {
      const newestFirst = [...rows.values()]
        .filter((row) => row.userId === userId)
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (b.id < a.id ? -1 : 1))
        .filter(
          (row) =>
            !after ||
            row.createdAt.getTime() < after.at.getTime() ||
            (row.createdAt.getTime() === after.at.getTime() && row.id < after.id),
        );
      return Promise.resolve(newestFirst.slice(0, limit));
    },
    findById: (id) => Promise.resolve(rows.get(id)),
    settlePending(id, settlement) {
      const row = rows.get(id);
      if (row?.status !== 'PENDING') return Promise.resolve(undefined);
      const settled = { ...row, ...settlement, updatedAt: new Date(row.createdAt.getTime() + 1_000) };
      rows.set(id, settled);
      return Promise.resolve(settled);
    },
  };

  // Keeps what the work wrote and published only when the work succeeds, as a transaction would.
  async function transact<T>(work: (tx: Transaction<OrderRepositories>) => Promise<T>): Promise<T> {
    const before = new Map(rows);
    const events: OutgoingEvent[] = [];
    try {
      const result = await work({
        repositories: {
          orders,
          prices: {
            pricesOf: (skus) =>
              Promise.resolve(
                new Map(
                  skus.flatMap((sku) => {
                    const price = prices.get(sku);
                    return price ? [[sku, price] as const] : [];
                  }),
                ),
              ),
          },
        },
        publish: (event) => events.push(event),
      });
      published.push(...events);
      return result;
    } catch (error) {
      rows = before;
      throw error;
    }
  }
  const unitOfWork: UnitOfWork<OrderRepositories> = {
    run: transact,
    async runOnce(delivery: EventDelivery, work) {
      if (handled.has(delivery.eventId)) return 'duplicate';
      await transact(work);
      handled.add(delivery.eventId);
      return 'handled';
    },
  };
  const customers: CustomerDirectory = options.customers ?? {
    find: (userId) => Promise.resolve(known.get(userId)),
  };
  return {
    useCases: createOrderUseCases({ orders, unitOfWork, customers, orderEventsTopic: TOPIC }),
    outcomes: createPaymentOutcomes({ unitOfWork, orderEventsTopic: TOPIC }),
    rows: () => [...rows.values()],
    published,
    prices,
    known,
  };
}
