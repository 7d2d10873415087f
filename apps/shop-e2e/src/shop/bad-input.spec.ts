import type { ShopClient } from '@shop/shop-client';
import { ARCHITECTURES, shopUnderTest } from './shop-under-test';

/**
 * Bad input end to end, deployed as microservices and as the monolith: malformed, mistyped, oversized,
 * hostile or unauthorised requests get a 4xx in one error shape (RFC 9457 problem details) and write
 * nothing.
 */
jest.setTimeout(120_000);

describe.each(ARCHITECTURES)('the shop as %s', (architecture) => {
  const under = shopUnderTest(architecture, 'e2einput');
  const { email } = under;
  let shop: ShopClient;
  beforeAll(() => (shop = under.shop));

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
});
