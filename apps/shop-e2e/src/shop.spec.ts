import { startTestStack, type TestStack } from '@shop/stack';
import { eventually } from '@shop/testing';
import { shopClient, type Order, type ShopClient } from '@shop/shop-client';

/**
 * The shop end to end: the real apps as processes, the real broker and Postgres, a real SMTP server,
 * driven only through the gateway's public HTTP API.
 */
jest.setTimeout(120_000);

describe('the shop, end to end', () => {
  let stack: TestStack;
  let shop: ShopClient;
  const email = (who: string) => `${who}-${stack.run}@example.com`;

  const settled = (token: string, id: string) =>
    eventually(
      async () => {
        const { body } = await shop.getOrder(token, id);
        if (body.status === 'PENDING') throw new Error(`order ${id} is still PENDING`);
        return body;
      },
      60_000,
      200,
    );

  const mailsTo = (address: string) => stack.smtp.mails.filter((mail) => mail.to.includes(address));

  beforeAll(async () => {
    stack = await startTestStack({
      label: 'e2e',
      env: { LOG_LEVEL: 'info', CARD_NETWORK_LATENCY_MS: '5', CARD_NETWORK_JITTER_MS: '5' },
    });
    shop = shopClient(stack.gatewayUrl);
  }, 300_000);

  // Stopped already by the last test, unless that did not run.
  afterAll(() => stack?.stop(), 60_000);

  it('registers a customer who logs in, sees themself, and gets a welcome mail', async () => {
    const registered = await shop.request('POST', '/v1/users', {
      body: { email: email('ada'), name: 'Ada Lovelace', password: 'analytical engine' },
    });
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({ email: email('ada'), name: 'Ada Lovelace' });
    expect(JSON.stringify(registered.body)).not.toMatch(/analytical|password|hash/i);

    const again = await shop.request('POST', '/v1/users', {
      body: { email: email('ada'), name: 'Ada again', password: 'another password' },
    });
    expect(again.status).toBe(409);

    const token = await shop.request<{ accessToken: string; tokenType: string; expiresIn: number }>(
      'POST',
      '/v1/auth/token',
      {
        body: { email: email('ada'), password: 'analytical engine' },
      },
    );
    expect(token.status).toBe(200);
    expect(token.body).toMatchObject({ tokenType: 'Bearer', expiresIn: expect.any(Number) as number });

    const me = await shop.request('GET', '/v1/users/me', { token: token.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: registered.body['id'], email: email('ada') });

    await eventually(() => expect(mailsTo(email('ada'))).toHaveLength(1), 30_000);
    expect(mailsTo(email('ada'))[0]?.subject).toMatch(/welcome/i);
  });

  it('answers bad credentials with one 401, whether the email is unknown or the password wrong', async () => {
    await shop.signUp(email('grace'));
    const wrong = await shop.request('POST', '/v1/auth/token', {
      body: { email: email('grace'), password: 'not the password' },
    });
    const unknown = await shop.request('POST', '/v1/auth/token', {
      body: { email: email('nobody'), password: 'not the password' },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
  });

  it('shows the catalog to anyone, and each product by its sku', async () => {
    const catalog = await shop.listProducts();
    expect(catalog.status).toBe(200);
    expect(catalog.body.items.map((product) => product.sku)).toEqual([
      'beans-huila',
      'beans-yirgacheffe',
      'espresso-cups',
      'gooseneck-kettle',
      'hand-grinder',
      'milk-jug',
      'paper-filters',
      'pour-over-dripper',
    ]);
    const kettle = await shop.getProduct('gooseneck-kettle');
    expect(kettle.status).toBe(200);
    expect(kettle.body).toEqual({
      sku: 'gooseneck-kettle',
      name: 'Gooseneck kettle, 1 l',
      description: expect.any(String) as string,
      priceCents: 5400,
      currency: 'EUR',
      imageUrl: '/images/products/gooseneck-kettle.svg',
    });
    const unknown = await shop.getProduct('samovar');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(unknown.body).toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
      detail: 'Product samovar not found',
    });
    expect((await shop.getProduct('.samovar')).status).toBe(400);
  });

  it('charges the catalog price, and refuses a price the catalog no longer has with 409 PRICE_CHANGED', async () => {
    const customer = await shop.signUp(email('pricing'));
    const priced = await shop.request<Order>('POST', '/v1/orders', {
      token: customer.token,
      body: {
        items: [
          { sku: 'hand-grinder', quantity: 1 },
          { sku: 'paper-filters', quantity: 3, unitPriceCents: 650 },
        ],
        currency: 'EUR',
        paymentMethod: 'pm_card_visa',
      },
    });
    expect(priced.status).toBe(202);
    expect(priced.body.items).toEqual([
      { sku: 'hand-grinder', quantity: 1, unitPriceCents: 8900 },
      { sku: 'paper-filters', quantity: 3, unitPriceCents: 650 },
    ]);
    expect(priced.body.totalCents).toBe(8900 + 3 * 650);

    const stale = await shop.request('POST', '/v1/orders', {
      token: customer.token,
      body: {
        items: [{ sku: 'milk-jug', quantity: 1, unitPriceCents: 1500 }],
        paymentMethod: 'pm_card_visa',
      },
    });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({
      status: 409,
      code: 'PRICE_CHANGED',
      detail: 'The price changed: milk-jug now costs 19.00 EUR. Review the order and send it again.',
    });
    expect((await shop.listOrders(customer.token)).body.items.map((order) => order.id)).toEqual([
      priced.body.id,
    ]);
  });

  it('confirms an order paid with a good card and mails the confirmation', async () => {
    const customer = await shop.signUp(email('visa'));
    const placed = await shop.placeOrder(customer.token, 'pm_card_visa');
    expect(placed.status).toBe(202);
    expect(placed.body).toMatchObject({ status: 'PENDING', totalCents: 2 * 1290, currency: 'EUR' });
    expect(placed.headers.get('location')).toBe(`/v1/orders/${placed.body.id}`);

    const order = await settled(customer.token, placed.body.id);
    expect(order).toMatchObject({ status: 'CONFIRMED', payment: { outcome: 'SUCCEEDED' } });
    await eventually(
      () =>
        expect(mailsTo(customer.email).filter((mail) => /confirmed/i.test(mail.subject ?? ''))).toHaveLength(
          1,
        ),
      30_000,
    );
  });

  it('cancels an order whose card is declined, says why, and mails the failure notice', async () => {
    const customer = await shop.signUp(email('declined'));
    const placed = await shop.placeOrder(customer.token, 'pm_card_chargeDeclined');
    expect(placed.status).toBe(202);

    const order = await settled(customer.token, placed.body.id);
    expect(order).toMatchObject({
      status: 'CANCELLED',
      payment: { outcome: 'FAILED', declineCode: 'card_declined' },
    });
    expect(order.cancellationReason).toMatch(/declined/i);
    await eventually(
      () =>
        expect(mailsTo(customer.email).filter((mail) => /cancelled/i.test(mail.subject ?? ''))).toHaveLength(
          1,
        ),
      30_000,
    );
  });

  it('places one order for a retried request with the same Idempotency-Key, and rejects the key with another body', async () => {
    const customer = await shop.signUp(email('retry'));
    const key = `checkout-${stack.run}`;
    const first = await shop.placeOrder(customer.token, 'pm_card_visa', key);
    const retry = await shop.placeOrder(customer.token, 'pm_card_visa', key);
    expect([first.status, retry.status]).toEqual([202, 202]);
    expect(retry.body.id).toBe(first.body.id);

    const otherBody = await shop.placeOrder(customer.token, 'pm_card_chargeDeclined', key);
    // The IETF Idempotency-Key draft's answer: 422.
    expect(otherBody.status).toBe(422);
    expect(otherBody.body).toMatchObject({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });

    await settled(customer.token, first.body.id);
    const { body } = await shop.listOrders(customer.token);
    expect(body.items.map((order) => order.id)).toEqual([first.body.id]);
    await eventually(
      () =>
        expect(mailsTo(customer.email).filter((mail) => /confirmed/i.test(mail.subject ?? ''))).toHaveLength(
          1,
        ),
      30_000,
    );
  });

  it('settles 50 concurrent orders, each with exactly one payment and one mail', async () => {
    const customer = await shop.signUp(email('busy'));
    const placed = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        shop.placeOrder(
          customer.token,
          i % 5 === 0 ? 'pm_card_chargeDeclinedInsufficientFunds' : 'pm_card_visa',
        ),
      ),
    );
    expect(placed.map((response) => response.status)).toEqual(Array(50).fill(202));
    const ids = placed.map((response) => response.body.id);
    expect(new Set(ids).size).toBe(50);

    const orders: Order[] = await Promise.all(ids.map((id) => settled(customer.token, id)));
    expect(orders.filter((order) => order.status === 'CONFIRMED')).toHaveLength(40);
    expect(orders.filter((order) => order.status === 'CANCELLED')).toHaveLength(10);
    expect(new Set(orders.map((order) => order.payment?.id)).size).toBe(50);

    const orderMails = () => mailsTo(customer.email).filter((mail) => /order/i.test(mail.subject ?? ''));
    await eventually(() => expect(orderMails()).toHaveLength(50), 60_000);
    for (const id of ids) {
      expect(orderMails().filter((mail) => mail.raw.includes(id))).toHaveLength(1);
    }
  });

  it('hides one customer’s order from another', async () => {
    const owner = await shop.signUp(email('owner'));
    const stranger = await shop.signUp(email('stranger'));
    const placed = await shop.placeOrder(owner.token, 'pm_card_visa');
    expect((await shop.getOrder(stranger.token, placed.body.id)).status).toBe(404);
    expect((await shop.getOrder(owner.token, '3f1c2d9e-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await shop.listOrders(stranger.token)).body.items).toEqual([]);
  });

  describe('bad input is a 4xx with one error shape, and writes nothing', () => {
    let customer: { token: string; email: string };
    // Someone else's order: its id is known to the customer, who may neither read nor touch it.
    let othersOrder: string;
    beforeAll(async () => {
      customer = await shop.signUp(email('careful'));
      const other = await shop.signUp(email('careful-other'));
      othersOrder = (await shop.placeOrder(other.token, 'pm_card_visa')).body.id;
    });

    const goodOrder = {
      items: [{ sku: 'milk-jug', quantity: 1, unitPriceCents: 1900 }],
      currency: 'EUR',
      paymentMethod: 'pm_card_visa',
    };
    const withItems = (items: unknown[]) => ({ ...goodOrder, items });
    const cases: [string, () => Parameters<ShopClient['request']>, number][] = [
      [
        'malformed JSON',
        () => ['POST', '/v1/orders', { token: customer.token, rawBody: '{"items": [' }],
        400,
      ],
      [
        'a wrong type',
        () => ['POST', '/v1/orders', { token: customer.token, body: { ...goodOrder, items: 'many' } }],
        400,
      ],
      [
        'a missing field',
        () => [
          'POST',
          '/v1/orders',
          { token: customer.token, body: { items: goodOrder.items, currency: 'EUR' } },
        ],
        400,
      ],
      [
        'a sku the catalog does not have',
        () => [
          'POST',
          '/v1/orders',
          { token: customer.token, body: withItems([{ sku: 'beans-kona', quantity: 1 }]) },
        ],
        400,
      ],
      [
        'the same sku twice',
        () => [
          'POST',
          '/v1/orders',
          {
            token: customer.token,
            body: withItems([
              { sku: 'milk-jug', quantity: 1 },
              { sku: 'milk-jug', quantity: 2 },
            ]),
          },
        ],
        400,
      ],
      [
        'a currency the catalog does not price in',
        () => ['POST', '/v1/orders', { token: customer.token, body: { ...goodOrder, currency: 'USD' } }],
        400,
      ],
      [
        'a price that is not the catalog price',
        () => [
          'POST',
          '/v1/orders',
          { token: customer.token, body: withItems([{ sku: 'milk-jug', quantity: 1, unitPriceCents: 1 }]) },
        ],
        409,
      ],
      [
        'a negative quantity',
        () => [
          'POST',
          '/v1/orders',
          {
            token: customer.token,
            body: withItems([{ sku: 'milk-jug', quantity: -1 }]),
          },
        ],
        400,
      ],
      [
        'an unknown payment method',
        () => [
          'POST',
          '/v1/orders',
          { token: customer.token, body: { ...goodOrder, paymentMethod: 'pm_card_mastercard_gold' } },
        ],
        400,
      ],
      [
        'a huge body',
        () => [
          'POST',
          '/v1/orders',
          { token: customer.token, rawBody: JSON.stringify({ ...goodOrder, pad: 'x'.repeat(2_000_000) }) },
        ],
        413,
      ],
      [
        'a 5 MB body',
        () => [
          'POST',
          '/v1/orders',
          {
            token: customer.token,
            rawBody: JSON.stringify({ ...goodOrder, pad: 'x'.repeat(5 * 1024 * 1024) }),
          },
        ],
        413,
      ],
      [
        'JSON that is not an object',
        () => ['POST', '/v1/orders', { token: customer.token, rawBody: '[]' }],
        400,
      ],
      ['an empty body', () => ['POST', '/v1/orders', { token: customer.token, rawBody: '' }], 400],
      [
        'a body that is not JSON by media type',
        () => [
          'POST',
          '/v1/orders',
          { token: customer.token, rawBody: 'items=1', headers: { 'content-type': 'text/plain' } },
        ],
        415,
      ],
      [
        'a quantity as a string',
        () => [
          'POST',
          '/v1/orders',
          { token: customer.token, body: withItems([{ sku: 'milk-jug', quantity: '1' }]) },
        ],
        400,
      ],
      [
        'a fractional quantity',
        () => [
          'POST',
          '/v1/orders',
          { token: customer.token, body: withItems([{ sku: 'milk-jug', quantity: 1.5 }]) },
        ],
        400,
      ],
      [
        'a quantity past 2^53',
        () => [
          'POST',
          '/v1/orders',
          {
            token: customer.token,
            rawBody: JSON.stringify(goodOrder).replace('"quantity":1', '"quantity":1e300'),
          },
        ],
        400,
      ],
      [
        'SQL in a sku',
        () => [
          'POST',
          '/v1/orders',
          {
            token: customer.token,
            body: withItems([{ sku: "milk-jug'; DELETE FROM orders;--", quantity: 1 }]),
          },
        ],
        400,
      ],
      [
        'markup in a payment method',
        () => [
          'POST',
          '/v1/orders',
          { token: customer.token, body: { ...goodOrder, paymentMethod: '<script>alert(1)</script>' } },
        ],
        400,
      ],
      [
        'SQL in an Idempotency-Key',
        () => [
          'POST',
          '/v1/orders',
          { token: customer.token, body: goodOrder, headers: { 'idempotency-key': "k' OR '1'='1" } },
        ],
        400,
      ],
      ["another user's order id", () => ['GET', `/v1/orders/${othersOrder}`, { token: customer.token }], 404],
      [
        "another user's order stream",
        () => ['GET', `/v1/orders/${othersOrder}/events`, { token: customer.token }],
        404,
      ],
      [
        'SQL in an order id',
        () => ['GET', `/v1/orders/${encodeURIComponent("1' OR '1'='1")}`, { token: customer.token }],
        400,
      ],
      [
        'SQL in a cursor',
        () => [
          'GET',
          `/v1/orders?cursor=${encodeURIComponent("'; DROP TABLE orders;--")}`,
          { token: customer.token },
        ],
        400,
      ],
      [
        'a token request with SQL for an email',
        () => ['POST', '/v1/auth/token', { body: { email: "' OR 1=1--", password: 'anything at all' } }],
        401,
      ],
      [
        'a sign-up with a number for a name',
        () => [
          'POST',
          '/v1/users',
          { body: { email: email('typed'), name: 42, password: 'long enough pass' } },
        ],
        400,
      ],
      ['no token', () => ['POST', '/v1/orders', { body: goodOrder }], 401],
      [
        'a forged token',
        () => ['POST', '/v1/orders', { token: `${customer.token.slice(0, -4)}AAAA`, body: goodOrder }],
        401,
      ],
    ];

    it.each(cases)('%s', async (_label, build, expected) => {
      const before = (await shop.listOrders(customer.token)).body.items.length;
      const response = await shop.request(...build());
      expect(response.status).toBe(expected);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({
        type: expect.any(String) as string,
        title: expect.any(String) as string,
        status: expected,
        detail: expect.any(String) as string,
        code: expect.any(String) as string,
      });
      expect((await shop.listOrders(customer.token)).body.items).toHaveLength(before);
    });

    it.each([
      ['SQL', "Robert'); DROP TABLE users;--"],
      ['HTML', '<img src=x onerror=alert(1)>'],
    ])('a name with %s in it is refused, and no such customer exists afterwards', async (_label, name) => {
      const who = email(`odd-${_label.toLowerCase()}`);
      const response = await shop.request('POST', '/v1/users', {
        body: { email: who, name, password: 'long enough pass' },
      });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ status: 400, code: 'INVALID_ARGUMENT' });
      const login = await shop.request('POST', '/v1/auth/token', {
        body: { email: who, password: 'long enough pass' },
      });
      expect(login.status).toBe(401);
    });
  });

  it('stops every app gracefully on SIGTERM: each process exits 0', async () => {
    const exits = await stack.stop();
    expect(exits).toHaveLength(5);
    expect(exits.filter((exit) => exit.code !== 0)).toEqual([]);
  });
});
