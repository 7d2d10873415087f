import { isAppError, type AppError } from '@shop/errors';
import { ADA, GRACE, inMemoryOrders, TOPIC } from '../../test/in-memory-orders';
import type { OrderRequest } from './order-rules';
import type { PlacedOrder } from './orders';

const request = (overrides: Partial<OrderRequest> = {}): OrderRequest => ({
  userId: ADA.id.toUpperCase(),
  items: [
    { sku: 'beans-huila', quantity: 2, expectedUnitPriceCents: 1_290 },
    { sku: 'paper-filters', quantity: 1, expectedUnitPriceCents: undefined },
  ],
  currency: '',
  paymentMethod: 'pm_card_visa',
  idempotencyKey: '',
  ...overrides,
});

async function refusal(work: Promise<unknown>): Promise<AppError> {
  try {
    await work;
  } catch (error) {
    if (isAppError(error)) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('placing an order', () => {
  it('stores it PENDING at catalog prices and publishes OrderCreated with it, once', async () => {
    const shop = inMemoryOrders();
    const { order, replayed } = await shop.useCases.createOrder(request());

    expect(replayed).toBe(false);
    expect(order).toMatchObject({
      userId: ADA.id,
      status: 'PENDING',
      items: [
        { sku: 'beans-huila', quantity: 2, unitPriceCents: 1_290 },
        { sku: 'paper-filters', quantity: 1, unitPriceCents: 650 },
      ],
      totalCents: 2 * 1_290 + 650,
      currency: 'EUR',
      customerEmail: ADA.email,
      customerName: ADA.name,
      payment: null,
    });
    expect(order).not.toHaveProperty('requestHash');
    expect(shop.rows()).toHaveLength(1);
    expect(shop.published).toHaveLength(1);
    expect(shop.published[0]).toMatchObject({
      topic: TOPIC,
      type: 'orders.v1.OrderCreated',
      aggregateId: order.id,
      payload: { orderId: order.id, userId: ADA.id, totalCents: order.totalCents },
    });
  });

  it('writes and publishes nothing when it refuses the order', async () => {
    const shop = inMemoryOrders();
    const unknownSku = await refusal(
      shop.useCases.createOrder(
        request({ items: [{ sku: 'tea', quantity: 1, expectedUnitPriceCents: undefined }] }),
      ),
    );
    expect(unknownSku.code).toBe('INVALID_ARGUMENT');
    shop.prices.set('beans-huila', { priceCents: 1_390, currency: 'EUR' });
    expect((await refusal(shop.useCases.createOrder(request()))).code).toBe('PRICE_CHANGED');
    shop.known.delete(ADA.id);
    expect((await refusal(shop.useCases.createOrder(request()))).code).toBe('FAILED_PRECONDITION');
    expect(shop.rows()).toEqual([]);
    expect(shop.published).toEqual([]);
  });

  it('answers a retry with the first order, and a key reused for another request with a refusal', async () => {
    const shop = inMemoryOrders();
    const first = await shop.useCases.createOrder(request({ idempotencyKey: 'checkout-1' }));
    const again = await shop.useCases.createOrder(request({ idempotencyKey: 'checkout-1' }));
    expect(again).toEqual({ order: first.order, replayed: true });

    const other = request({ idempotencyKey: 'checkout-1', paymentMethod: 'pm_card_chargeDeclined' });
    expect((await refusal(shop.useCases.createOrder(other))).code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(shop.rows()).toHaveLength(1);
    expect(shop.published).toHaveLength(1);
  });

  it('answers the loser of a race for one idempotency key as a replay of the winner', async () => {
    let winner: Promise<PlacedOrder> | undefined;
    const shop = inMemoryOrders({
      customers: {
        // While the first request looks its customer up, a concurrent one with the same key (which finds
        // its customer at once) places the order.
        async find() {
          if (winner) return ADA;
          winner = shop.useCases.createOrder(request({ idempotencyKey: 'race' }));
          await winner;
          return ADA;
        },
      },
    });
    const loser = await shop.useCases.createOrder(request({ idempotencyKey: 'race' }));
    const won = await winner;
    expect(won?.replayed).toBe(false);
    expect(loser).toEqual({ order: won?.order, replayed: true });
    expect(shop.published).toHaveLength(1);
  });
});

describe('reading orders', () => {
  it("finds a user's own order only", async () => {
    const shop = inMemoryOrders();
    const { order } = await shop.useCases.createOrder(request());
    await expect(shop.useCases.getOrder(order.id, ADA.id)).resolves.toEqual(order);
    expect((await refusal(shop.useCases.getOrder(order.id, GRACE.id))).code).toBe('NOT_FOUND');
    expect((await refusal(shop.useCases.getOrder('order-1', ADA.id))).code).toBe('INVALID_ARGUMENT');
  });

  it('pages through them newest first, with a cursor while more follow', async () => {
    const shop = inMemoryOrders();
    const placed: string[] = [];
    for (let n = 0; n < 5; n += 1) placed.push((await shop.useCases.createOrder(request())).order.id);
    await shop.useCases.createOrder(request({ userId: GRACE.id }));

    const pages: string[][] = [];
    let cursor = '';
    do {
      const page = await shop.useCases.listOrders({ userId: ADA.id, limit: 2, cursor });
      pages.push(page.orders.map((order) => order.id));
      cursor = page.nextCursor ?? '';
    } while (cursor !== '' && pages.length < 10);

    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    expect(pages.flat()).toEqual([...placed].reverse());
    const all = await shop.useCases.listOrders({ userId: ADA.id, limit: 0, cursor: '' });
    expect(all.nextCursor).toBeUndefined();
    expect(all.orders).toHaveLength(5);
  });

  it.each([
    ['a negative limit', { limit: -1 }, 'limit'],
    ['a cursor it did not make', { cursor: 'not-a-cursor' }, 'cursor'],
    ['a user id that is not a UUID', { userId: 'ada' }, 'userId'],
  ])('refuses to list with %s', async (_label, overrides, field) => {
    const shop = inMemoryOrders();
    const error = await refusal(
      shop.useCases.listOrders({ userId: ADA.id, limit: 2, cursor: '', ...overrides }),
    );
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.details.map((detail) => detail.field)).toEqual([field]);
  });
});
