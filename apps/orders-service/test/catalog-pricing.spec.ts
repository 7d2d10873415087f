import { catalogV1, ordersV1 } from '@shop/contracts';
import { call, createClient } from '@shop/grpc';
import { eventually } from '@shop/testing';
import {
  createOrder,
  failure,
  orderRequest,
  PRICES,
  startOrdersSuite,
  USERS,
  type OrdersSuite,
} from './support';

describe('orders-service catalog and pricing', () => {
  let suite: OrdersSuite;
  let catalog: catalogV1.CatalogServiceClient;
  let orders: ordersV1.OrdersServiceClient;

  beforeAll(async () => {
    suite = await startOrdersSuite('orders_catalog');
    orders = suite.service.client;
    catalog = createClient(catalogV1.CatalogServiceClient, `127.0.0.1:${suite.service.port}`, {
      deadlineMs: 5_000,
      ...suite.service.asGateway,
    });
  });

  afterAll(async () => {
    catalog?.close();
    await suite?.stop();
  });

  const listProducts = () => call(catalog.listProducts.bind(catalog), {});
  const getProduct = (sku: string) => call(catalog.getProduct.bind(catalog), { sku });
  const count = async (table: 'orders' | 'outbox') => {
    const { rows } = await suite.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
    return rows[0]?.n ?? 0;
  };
  /**
   * The number of orders and outbox rows, to show that a refusal wrote neither. The relay empties the
   * outbox as it publishes, so this first waits until earlier events are out.
   */
  const written = async () => {
    await eventually(async () => expect(await count('outbox')).toBe(0));
    return { orders: await count('orders'), outbox: await count('outbox') };
  };
  const setPrice = (sku: string, priceCents: number) =>
    suite.db.pool.query('UPDATE products SET price_cents = $2 WHERE sku = $1', [sku, priceCents]);
  const line = (sku: string, quantity: number, expectedUnitPriceCents?: number) => ({
    sku,
    quantity,
    ...(expectedUnitPriceCents === undefined ? {} : { expectedUnitPriceCents }),
  });

  it('lists the whole catalog by sku, every price in EUR with its image', async () => {
    const { products } = await listProducts();
    expect(products.map((product) => [product.sku, product.priceCents])).toEqual([
      ['beans-huila', 1_290],
      ['beans-yirgacheffe', 1_450],
      ['espresso-cups', 2_400],
      ['gooseneck-kettle', 5_400],
      ['hand-grinder', 8_900],
      ['milk-jug', 1_900],
      ['paper-filters', 650],
      ['pour-over-dripper', 3_200],
    ]);
    for (const product of products) {
      expect(product.currency).toBe('EUR');
      expect(product.imageUrl).toBe(`/images/products/${product.sku}.svg`);
      expect(product.name).not.toBe('');
      expect(product.description).toMatch(/\.$/);
    }
  });

  it('gets one product by sku; an unknown sku is NOT_FOUND and a malformed one INVALID_ARGUMENT', async () => {
    const { product } = await getProduct('milk-jug');
    expect(product).toEqual({
      sku: 'milk-jug',
      name: 'Milk jug, 350 ml',
      description: expect.any(String) as string,
      priceCents: 1_900,
      currency: 'EUR',
      imageUrl: '/images/products/milk-jug.svg',
    });

    const unknown = await failure(getProduct('milk-jug-xl'));
    expect(unknown.code).toBe('NOT_FOUND');
    expect(unknown.message).toBe('Product milk-jug-xl not found');

    const malformed = await failure(getProduct('../etc/passwd'));
    expect(malformed.code).toBe('INVALID_ARGUMENT');
    expect(malformed.details.map((detail) => detail.field)).toEqual(['sku']);
  });

  it('charges the catalog price of the moment, whatever the client would have paid', async () => {
    await setPrice('hand-grinder', 9_500);
    try {
      const { order } = await createOrder(
        orders,
        orderRequest(USERS.ada.id, { requestedItems: [line('hand-grinder', 2)], currency: '' }),
      );
      expect(order?.items).toEqual([{ sku: 'hand-grinder', quantity: 2, unitPriceCents: 9_500 }]);
      expect(order?.totalCents).toBe(19_000);
      expect(order?.currency).toBe('EUR');
    } finally {
      await setPrice('hand-grinder', PRICES['hand-grinder']);
    }
  });

  it('refuses an expected price that is no longer the catalog price as PRICE_CHANGED, naming the sku and its price, and writes nothing', async () => {
    const before = await written();
    const error = await failure(
      createOrder(
        orders,
        orderRequest(USERS.ada.id, {
          requestedItems: [line('paper-filters', 1, PRICES['paper-filters']), line('beans-huila', 1, 1_190)],
        }),
      ),
    );
    expect(error.code).toBe('PRICE_CHANGED');
    expect(error.message).toBe(
      'The price changed: beans-huila now costs 12.90 EUR. Review the order and send it again.',
    );
    expect(error.details).toEqual([
      { field: 'items[1].unitPriceCents', message: 'beans-huila costs 1290 cents now, not 1190' },
    ]);
    expect(await written()).toEqual(before);
  });

  it('refuses skus the catalog does not have as INVALID_ARGUMENT naming each, and writes nothing', async () => {
    const before = await written();
    const error = await failure(
      createOrder(
        orders,
        orderRequest(USERS.ada.id, {
          requestedItems: [line('beans-kona', 1), line('milk-jug', 1), line('french-press', 1)],
        }),
      ),
    );
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toBe('Unknown skus: beans-kona, french-press are not in the catalog');
    expect(error.details.map((detail) => detail.field)).toEqual(['items[0].sku', 'items[2].sku']);
    expect(await written()).toEqual(before);
  });

  it('refuses a currency other than the catalog’s with a message that names both, and writes nothing', async () => {
    const before = await written();
    const error = await failure(createOrder(orders, orderRequest(USERS.ada.id, { currency: 'GBP' })));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toBe("The catalog's prices are in EUR, not GBP");
    expect(await written()).toEqual(before);
  });

  it('reads the deprecated items of older clients as expected prices, 0 meaning none', async () => {
    const legacy = (unitPriceCents: number) =>
      orderRequest(USERS.grace.id, {
        requestedItems: [],
        items: [{ sku: 'milk-jug', quantity: 1, unitPriceCents }],
      });
    const { order } = await createOrder(orders, legacy(1_900));
    expect(order?.items).toEqual([{ sku: 'milk-jug', quantity: 1, unitPriceCents: 1_900 }]);
    expect((await createOrder(orders, legacy(0))).order?.totalCents).toBe(1_900);
    expect((await failure(createOrder(orders, legacy(1)))).code).toBe('PRICE_CHANGED');
  });

  it('replays an order to a retry with its Idempotency-Key even after the price changed', async () => {
    const request = orderRequest(USERS.linus.id, {
      requestedItems: [line('hand-grinder', 1, PRICES['hand-grinder'])],
      idempotencyKey: 'grinder-once',
    });
    const first = await createOrder(orders, request);
    await setPrice('hand-grinder', 9_900);
    try {
      const retry = await createOrder(orders, request);
      expect(retry.replayed).toBe(true);
      expect(retry.order?.id).toBe(first.order?.id);
      expect(retry.order?.totalCents).toBe(PRICES['hand-grinder']);
    } finally {
      await setPrice('hand-grinder', PRICES['hand-grinder']);
    }
  });
});
