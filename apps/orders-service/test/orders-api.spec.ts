import { Metadata } from '@grpc/grpc-js';
import { bearerMetadata } from '@shop/access-token';
import { ordersV1 } from '@shop/contracts';
import { call, waitUntilServing } from '@shop/grpc';
import { eventually } from '@shop/testing';
import {
  asUser,
  createOrder,
  deadAddress,
  failure,
  NO_SUCH_USER_ID,
  orderRequest,
  PRICES,
  SLOW_USER_ID,
  startOrdersService,
  startOrdersSuite,
  TOKENS,
  USERS,
  type OrdersSuite,
  type SentBy,
} from './support';

describe('orders-service API', () => {
  let suite: OrdersSuite;
  let client: ordersV1.OrdersServiceClient;

  beforeAll(async () => {
    suite = await startOrdersSuite('orders_api');
    client = suite.service.client;
  });

  afterAll(async () => {
    await suite?.stop();
  });

  const getOrder = ({ userId, ...request }: SentBy<ordersV1.GetOrderRequest>) =>
    call(client.getOrder.bind(client), request, asUser(userId));
  const listOrders = ({ userId, ...request }: SentBy<ordersV1.ListOrdersRequest>) =>
    call(client.listOrders.bind(client), request, asUser(userId));
  const countOrders = async (where = 'true', values: unknown[] = []) => {
    const { rows } = await suite.db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM orders WHERE ${where}`,
      values,
    );
    return rows[0]?.n ?? 0;
  };
  const countOutbox = async () => {
    const { rows } = await suite.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox');
    return rows[0]?.n ?? 0;
  };
  const createdEventsFor = (orderId: string) =>
    suite.orderEvents.filter(
      (event) => event.type === 'orders.v1.OrderCreated' && event.aggregateId === orderId,
    );

  it('places a PENDING order priced from the catalog, and announces OrderCreated with the customer and the prices charged', async () => {
    const { order, replayed } = await createOrder(client, orderRequest(USERS.ada.id));
    expect(replayed).toBe(false);
    expect(order).toMatchObject({
      userId: USERS.ada.id,
      status: ordersV1.OrderStatus.ORDER_STATUS_PENDING,
      totalCents: 2 * PRICES['beans-huila'] + PRICES['paper-filters'],
      currency: 'EUR',
      paymentMethod: 'pm_card_visa',
      cancellationReason: '',
      payment: undefined,
    });
    expect(order?.items).toEqual([
      { sku: 'beans-huila', quantity: 2, unitPriceCents: PRICES['beans-huila'] },
      { sku: 'paper-filters', quantity: 1, unitPriceCents: PRICES['paper-filters'] },
    ]);
    expect(order?.createdAt).toEqual(order?.updatedAt);

    const [created] = await eventually(() => {
      const events = createdEventsFor(order?.id ?? '');
      expect(events).toHaveLength(1);
      return events;
    });
    expect(created?.payload).toMatchObject({
      orderId: order?.id,
      userId: USERS.ada.id,
      totalCents: 3_230,
      currency: 'EUR',
      paymentMethod: 'pm_card_visa',
      customerEmail: USERS.ada.email,
      customerName: USERS.ada.name,
      items: order?.items,
    });
  });

  it('answers a retry with the same Idempotency-Key with the first order, marked replayed, and places nothing more', async () => {
    const request = orderRequest(USERS.grace.id, { idempotencyKey: 'checkout-7f3a' });
    const first = await createOrder(client, request);
    const retry = await createOrder(client, request);

    expect(first.replayed).toBe(false);
    expect(retry.replayed).toBe(true);
    expect(retry.order?.id).toBe(first.order?.id);
    expect(await countOrders('user_id = $1', [USERS.grace.id])).toBe(1);
    await eventually(() => expect(createdEventsFor(first.order?.id ?? '')).toHaveLength(1));
    await eventually(async () => expect(await countOutbox()).toBe(0));
    expect(
      suite.orderEvents.filter(
        (event) => event.type === 'orders.v1.OrderCreated' && event.payload.userId === USERS.grace.id,
      ),
    ).toHaveLength(1);
  });

  it('refuses the same Idempotency-Key with a different request as IDEMPOTENCY_KEY_REUSED (FAILED_PRECONDITION), and places nothing', async () => {
    const key = 'checkout-b91e';
    await createOrder(client, orderRequest(USERS.grace.id, { idempotencyKey: key }));
    const error = await failure(
      createOrder(
        client,
        orderRequest(USERS.grace.id, { idempotencyKey: key, paymentMethod: 'pm_card_chargeDeclined' }),
      ),
    );
    expect(error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(error.message).toBe('Idempotency-Key was already used with a different request');
    expect(await countOrders('user_id = $1 AND idempotency_key = $2', [USERS.grace.id, key])).toBe(1);
  });

  it('scopes an Idempotency-Key to its user: another user with the same key places an order of their own', async () => {
    const key = 'shared-key-1';
    const ada = await createOrder(client, orderRequest(USERS.ada.id, { idempotencyKey: key }));
    const grace = await createOrder(client, orderRequest(USERS.grace.id, { idempotencyKey: key }));
    expect(grace.replayed).toBe(false);
    expect(grace.order?.id).not.toBe(ada.order?.id);
  });

  it('gives concurrent requests with the same Idempotency-Key one order: the first places it, the rest replay it', async () => {
    const request = orderRequest(USERS.margaret.id, { idempotencyKey: 'double-click-42' });
    const answers = await Promise.all(Array.from({ length: 6 }, () => createOrder(client, request)));
    const ids = new Set(answers.map((answer) => answer.order?.id));
    expect(ids.size).toBe(1);
    expect(answers.filter((answer) => !answer.replayed)).toHaveLength(1);
    expect(await countOrders('user_id = $1', [USERS.margaret.id])).toBe(1);
  });

  const item: ordersV1.RequestedItem = { sku: 'beans-huila', quantity: 1 };
  const other: ordersV1.RequestedItem = { sku: 'milk-jug', quantity: 1 };
  it.each([
    ['no items', { requestedItems: [] }, 'items'],
    [
      'more than 50 items',
      { requestedItems: Array.from({ length: 51 }, (_, i) => ({ ...item, sku: `sku-${i}` })) },
      'items',
    ],
    ['an empty sku', { requestedItems: [{ ...item, sku: '' }] }, 'items[0].sku'],
    ['a sku with markup', { requestedItems: [item, { ...item, sku: '<script>' }] }, 'items[1].sku'],
    [
      'a sku longer than 64 characters',
      { requestedItems: [{ ...item, sku: 'A'.repeat(65) }] },
      'items[0].sku',
    ],
    ['a sku not in the catalog', { requestedItems: [item, { ...item, sku: 'BOOK-42' }] }, 'items[1].sku'],
    ['the same sku twice', { requestedItems: [item, other, { ...item, quantity: 2 }] }, 'items[2].sku'],
    ['a quantity of 0', { requestedItems: [{ ...item, quantity: 0 }] }, 'items[0].quantity'],
    ['a negative quantity', { requestedItems: [{ ...item, quantity: -3 }] }, 'items[0].quantity'],
    ['a quantity over 1000', { requestedItems: [{ ...item, quantity: 1_001 }] }, 'items[0].quantity'],
    [
      'an expected price of 0',
      { requestedItems: [item, { ...other, expectedUnitPriceCents: 0 }] },
      'items[1].unitPriceCents',
    ],
    [
      'a negative expected price',
      { requestedItems: [{ ...item, expectedUnitPriceCents: -100 }] },
      'items[0].unitPriceCents',
    ],
    [
      'an expected price over 1,000,000.00',
      { requestedItems: [{ ...item, expectedUnitPriceCents: 100_000_001 }] },
      'items[0].unitPriceCents',
    ],
    [
      'lines in both the deprecated items and requested_items',
      { items: [{ sku: 'milk-jug', quantity: 1, unitPriceCents: 1_900 }] },
      'items',
    ],
    ['a currency the catalog does not price in', { currency: 'USD' }, 'currency'],
    ['a lower-case currency', { currency: 'eur' }, 'currency'],
    ['an unknown payment method', { paymentMethod: 'card' }, 'paymentMethod'],
    ['a malformed user id', { userId: 'not-a-uuid' }, 'userId'],
    ['an Idempotency-Key with spaces', { idempotencyKey: 'two words' }, 'idempotencyKey'],
  ])(
    'rejects %s as INVALID_ARGUMENT naming the field, and writes nothing',
    async (_label, overrides, field) => {
      const before = await countOrders();
      const error = await failure(createOrder(client, orderRequest(USERS.linus.id, overrides)));
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.details.map((detail) => detail.field)).toContain(field);
      expect(await countOrders()).toBe(before);
    },
  );

  it('refuses an order for a user the users service does not know as FAILED_PRECONDITION', async () => {
    const error = await failure(createOrder(client, orderRequest(NO_SUCH_USER_ID)));
    expect(error.code).toBe('FAILED_PRECONDITION');
    expect(error.message).toMatch(/unknown user/i);
    expect(await countOrders('user_id = $1', [NO_SUCH_USER_ID])).toBe(0);
  });

  it('answers UNAVAILABLE and writes nothing when the users service does not answer within the deadline', async () => {
    const error = await failure(createOrder(client, orderRequest(SLOW_USER_ID)));
    expect(error.code).toBe('UNAVAILABLE');
    expect(await countOrders('user_id = $1', [SLOW_USER_ID])).toBe(0);
  });

  it('answers UNAVAILABLE and writes nothing when the users service is down', async () => {
    // A second instance on the same database whose users service is unreachable.
    const cut = await startOrdersService({
      db: suite.db,
      kafka: suite.kafka,
      logger: suite.logger,
      usersAddress: await deadAddress(),
    });
    try {
      const before = await countOrders();
      const error = await failure(createOrder(cut.client, orderRequest(USERS.ada.id)));
      expect(error.code).toBe('UNAVAILABLE');
      expect(await countOrders()).toBe(before);
    } finally {
      await cut.stop();
    }
  });

  it("gets the caller's order, and answers another user's order exactly like an unknown one: NOT_FOUND", async () => {
    const { order } = await createOrder(client, orderRequest(USERS.ada.id));
    const orderId = order?.id ?? '';

    const found = await getOrder({ orderId, userId: USERS.ada.id });
    expect(found.order).toEqual(order);

    const someoneElses = await failure(getOrder({ orderId, userId: USERS.grace.id }));
    const unknown = await failure(getOrder({ orderId: NO_SUCH_USER_ID, userId: USERS.ada.id }));
    expect(someoneElses.code).toBe('NOT_FOUND');
    expect(unknown.code).toBe('NOT_FOUND');
    expect(someoneElses.message.replace(orderId, '<id>')).toBe(
      unknown.message.replace(NO_SUCH_USER_ID, '<id>'),
    );

    const malformed = await failure(getOrder({ orderId: 'nope', userId: USERS.ada.id }));
    expect(malformed.code).toBe('INVALID_ARGUMENT');
    expect(malformed.details.map((detail) => detail.field)).toEqual(['orderId']);
  });

  it("lists a user's orders newest first, page by page, and only theirs", async () => {
    const placed: ordersV1.Order[] = [];
    for (let i = 1; i <= 5; i++) {
      const { order } = await createOrder(
        client,
        orderRequest(USERS.linus.id, { requestedItems: [{ sku: 'milk-jug', quantity: i }] }),
      );
      if (order) placed.push(order);
    }
    const newestFirst = [...placed]
      .sort(
        (a, b) =>
          (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0) ||
          (b.id < a.id ? -1 : b.id > a.id ? 1 : 0),
      )
      .map((order) => order.id);

    const pages: string[][] = [];
    let cursor = '';
    do {
      const page = await listOrders({ userId: USERS.linus.id, limit: 2, cursor });
      pages.push(page.orders.map((order) => order.id));
      cursor = page.nextCursor;
    } while (cursor !== '' && pages.length < 10);

    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    expect(pages.flat()).toEqual(newestFirst);

    const everything = await listOrders({ userId: USERS.linus.id, limit: 0, cursor: '' });
    expect(everything.orders.map((order) => order.id)).toEqual(newestFirst);
    expect(everything.nextCursor).toBe('');
  });

  it.each([
    ['a cursor that is not base64url JSON', { cursor: '%%%' }, 'cursor'],
    ['a cursor of the wrong shape', { cursor: Buffer.from('{"a":1}').toString('base64url') }, 'cursor'],
    ['a negative limit', { limit: -1 }, 'limit'],
    ['a malformed user id', { userId: 'nope' }, 'userId'],
  ])('refuses to list with %s as INVALID_ARGUMENT', async (_label, overrides, field) => {
    const error = await failure(listOrders({ userId: USERS.linus.id, limit: 2, cursor: '', ...overrides }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.details.map((detail) => detail.field)).toContain(field);
  });

  describe('refuses a call without a valid access token as UNAUTHENTICATED, and writes nothing', () => {
    const withToken = (token: string | undefined) => ({
      metadata: token === undefined ? new Metadata() : bearerMetadata(token),
    });
    const { ada } = USERS;

    it.each([
      ['no token', undefined],
      ['a token signed by another key', TOKENS.forged(ada.id)],
      ['an expired token', TOKENS.expired(ada.id)],
      ['a token for another audience', TOKENS.wrongAudience(ada.id)],
      ['something that is not a token', 'not-a-jwt'],
    ])('%s', async (_label, token) => {
      const { order } = await createOrder(client, orderRequest(ada.id));
      const before = await countOrders();
      const { userId: _sender, ...request } = orderRequest(ada.id);
      const refusals = await Promise.all([
        failure(call(client.createOrder.bind(client), request, withToken(token))),
        failure(call(client.getOrder.bind(client), { orderId: order?.id ?? '' }, withToken(token))),
        failure(call(client.listOrders.bind(client), { limit: 0, cursor: '' }, withToken(token))),
      ]);
      expect(refusals.map((error) => error.code)).toEqual(Array(3).fill('UNAUTHENTICATED'));
      expect(await countOrders()).toBe(before);
    });
  });

  it('reports SERVING over the gRPC health checking protocol', async () => {
    await expect(
      waitUntilServing(`127.0.0.1:${suite.service.port}`, 2_000, '', suite.service.asGateway),
    ).resolves.toBeUndefined();
  });
});
