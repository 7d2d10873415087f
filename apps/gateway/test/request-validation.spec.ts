import { testSigningKeys } from '@shop/testing';
import { expectProblem, startTestGateway, type TestGateway } from './gateway';

/*
 * Everything here is decided by the gateway alone. Its downstream services are unreachable and count
 * the connections made to them, so each test also shows that the request never got as far as gRPC.
 */
describe('gateway: requests refused before any service is called', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway();
  });

  afterAll(async () => {
    await gateway?.close();
  });

  afterEach(() => {
    expect(gateway.downstreamConnections()).toBe(0);
  });

  const validOrder = {
    items: [{ sku: 'beans-huila', quantity: 2, unitPriceCents: 1_290 }],
    paymentMethod: 'pm_card_visa',
  };

  describe('authentication', () => {
    const getMe = (authorization?: string) =>
      gateway.app.inject({
        method: 'GET',
        url: '/v1/users/me',
        headers: authorization === undefined ? {} : { authorization },
      });

    it.each([
      ['no token', () => undefined],
      ['a garbage token', () => 'Bearer not.a.token'],
      ['another scheme', () => `Basic ${Buffer.from('ada:secret').toString('base64')}`],
      ['an expired token', () => `Bearer ${gateway.tokenWith({ clockTimestamp: Date.now() - 3_600_000 })}`],
      [
        'a token signed by another key',
        // A key pair of its own: the gateway has never seen its public half.
        () => `Bearer ${gateway.tokenWith({ privateKeyPem: testSigningKeys().privateKeyPem })}`,
      ],
      ['a token for another audience', () => `Bearer ${gateway.token({ aud: 'someone-else' })}`],
      ['a token from another issuer', () => `Bearer ${gateway.token({ iss: 'someone-else' })}`],
      [
        'an unsigned token (alg none)',
        () => {
          const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
          const exp = Math.floor(Date.now() / 1000) + 60;
          return `Bearer ${encode({ alg: 'none', typ: 'JWT' })}.${encode({ sub: 'x', iss: 'shop-users', aud: 'shop-api', exp })}.`;
        },
      ],
    ])('answers 401 with WWW-Authenticate: Bearer for %s', async (_label, authorization) => {
      const response = await getMe(authorization());
      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
      expectProblem(response, 'UNAUTHENTICATED');
    });

    it('says that an expired token has expired', async () => {
      const expired = gateway.tokenWith({ clockTimestamp: Date.now() - 3_600_000 });
      const response = await getMe(`Bearer ${expired}`);
      expect(expectProblem(response, 'UNAUTHENTICATED').detail).toMatch(/expired/);
    });

    it('refuses an unauthenticated order before reading its body', async () => {
      const response = await gateway.app.inject({
        method: 'POST',
        url: '/v1/orders',
        payload: { not: 'an order' },
      });
      expect(response.statusCode).toBe(401);
      expectProblem(response, 'UNAUTHENTICATED');
    });

    it.each([
      ['GET', '/v1/orders'],
      ['GET', '/v1/orders/0e7c1f7e-6a0b-4c6e-9d33-0b8f3f3d2a11'],
      ['POST', '/v1/orders'],
    ] as const)('requires a token for %s %s', async (method, url) => {
      const response = await gateway.app.inject({ method, url });
      expect(response.statusCode).toBe(401);
      expectProblem(response, 'UNAUTHENTICATED');
    });
  });

  describe('invalid input is a 400 naming the fields', () => {
    const postOrder = (payload: unknown, headers: Record<string, string> = {}) =>
      gateway.app.inject({
        method: 'POST',
        url: '/v1/orders',
        headers: { authorization: `Bearer ${gateway.token()}`, ...headers },
        payload: payload as string,
      });

    it('for a body that is not JSON', async () => {
      const response = await gateway.app.inject({
        method: 'POST',
        url: '/v1/orders',
        headers: { authorization: `Bearer ${gateway.token()}`, 'content-type': 'application/json' },
        payload: '{"items": [',
      });
      expect(response.statusCode).toBe(400);
      expectProblem(response, 'INVALID_ARGUMENT');
    });

    it('for a JSON body that is not an object', async () => {
      const response = await gateway.app.inject({
        method: 'POST',
        url: '/v1/orders',
        headers: { authorization: `Bearer ${gateway.token()}`, 'content-type': 'application/json' },
        payload: '[1, 2]',
      });
      expect(response.statusCode).toBe(400);
      expectProblem(response, 'INVALID_ARGUMENT');
    });

    it.each([
      [
        'wrong types',
        { ...validOrder, currency: 978, items: [{ sku: 42, quantity: '2', unitPriceCents: '12.90' }] },
        ['currency', 'items[0].sku', 'items[0].quantity', 'items[0].unitPriceCents'],
      ],
      ['missing fields', {}, ['items', 'paymentMethod']],
      ['an item without a sku', { ...validOrder, items: [{ quantity: 1 }] }, ['items[0].sku']],
      ['an item without a quantity', { ...validOrder, items: [{ sku: 'milk-jug' }] }, ['items[0].quantity']],
      [
        'a sku no product could have',
        { ...validOrder, items: [{ sku: '../milk-jug', quantity: 1 }] },
        ['items[0].sku'],
      ],
      [
        'a negative quantity',
        { ...validOrder, items: [{ sku: 'milk-jug', quantity: -1 }] },
        ['items[0].quantity'],
      ],
      [
        'a fractional price',
        { ...validOrder, items: [{ sku: 'milk-jug', quantity: 1, unitPriceCents: 12.5 }] },
        ['items[0].unitPriceCents'],
      ],
      [
        'an expected price of 0',
        { ...validOrder, items: [{ sku: 'milk-jug', quantity: 1, unitPriceCents: 0 }] },
        ['items[0].unitPriceCents'],
      ],
      ['no items', { ...validOrder, items: [] }, ['items']],
      ['an unknown payment method', { ...validOrder, paymentMethod: 'pm_card_unknown' }, ['paymentMethod']],
      ['a currency that is not ISO 4217', { ...validOrder, currency: 'euro' }, ['currency']],
      ['an unknown field', { ...validOrder, coupon: 'FREE' }, ['coupon']],
      [
        'an unknown field in an item',
        { ...validOrder, items: [{ sku: 'milk-jug', quantity: 1, discount: 1 }] },
        ['items[0].discount'],
      ],
    ])('for %s', async (_label, payload, fields) => {
      const response = await postOrder(payload);
      expect(response.statusCode).toBe(400);
      const error = expectProblem(response, 'INVALID_ARGUMENT');
      expect(error.errors?.map((detail) => detail.field)).toEqual(expect.arrayContaining(fields));
    });

    it.each([
      ['longer than 255 characters', 'k'.repeat(256)],
      ['with a space', 'my key'],
      ['with a non-ASCII character', 'clé'],
    ])('for an Idempotency-Key %s', async (_label, key) => {
      const response = await postOrder(validOrder, { 'idempotency-key': key });
      expect(response.statusCode).toBe(400);
      const error = expectProblem(response, 'INVALID_ARGUMENT');
      expect(error.errors?.map((detail) => detail.field)).toEqual(['Idempotency-Key']);
    });

    it.each([
      ['a short password', { email: 'ada@example.com', name: 'Ada', password: 'short' }, ['password']],
      ['a missing email', { name: 'Ada', password: 'long enough' }, ['email']],
      ['an empty name', { email: 'ada@example.com', name: '', password: 'long enough' }, ['name']],
    ])('for a registration with %s', async (_label, payload, fields) => {
      const response = await gateway.app.inject({ method: 'POST', url: '/v1/users', payload });
      expect(response.statusCode).toBe(400);
      const error = expectProblem(response, 'INVALID_ARGUMENT');
      expect(error.errors?.map((detail) => detail.field)).toEqual(fields);
    });

    it('for a token request without a password', async () => {
      const response = await gateway.app.inject({
        method: 'POST',
        url: '/v1/auth/token',
        payload: { email: 'ada@example.com' },
      });
      expect(response.statusCode).toBe(400);
      const error = expectProblem(response, 'INVALID_ARGUMENT');
      expect(error.errors?.map((detail) => detail.field)).toEqual(['password']);
    });

    it.each([
      ['/v1/orders/not-a-uuid', 'id'],
      ['/v1/orders?limit=0', 'limit'],
      ['/v1/orders?limit=101', 'limit'],
      ['/v1/orders?limit=ten', 'limit'],
      ['/v1/products/-milk-jug', 'sku'],
      ['/v1/products/milk%20jug', 'sku'],
      [`/v1/products/${'a'.repeat(65)}`, 'sku'],
    ])('for GET %s', async (url, field) => {
      const response = await gateway.app.inject({
        method: 'GET',
        url,
        headers: { authorization: `Bearer ${gateway.token()}` },
      });
      expect(response.statusCode).toBe(400);
      const error = expectProblem(response, 'INVALID_ARGUMENT');
      expect(error.errors?.map((detail) => detail.field)).toEqual([field]);
    });
  });

  describe('bodies the gateway does not read', () => {
    it('answers 413 for a body over the limit', async () => {
      const response = await gateway.app.inject({
        method: 'POST',
        url: '/v1/users',
        payload: { email: 'ada@example.com', name: 'x'.repeat(70_000), password: 'long enough' },
      });
      expect(response.statusCode).toBe(413);
      expectProblem(response, 'PAYLOAD_TOO_LARGE');
    });

    it('answers 415 for a body that is not JSON by media type', async () => {
      const response = await gateway.app.inject({
        method: 'POST',
        url: '/v1/users',
        headers: { 'content-type': 'text/plain' },
        payload: 'email=ada@example.com',
      });
      expect(response.statusCode).toBe(415);
      expectProblem(response, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('answers 415 for form data', async () => {
      const response = await gateway.app.inject({
        method: 'POST',
        url: '/v1/auth/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'email=ada%40example.com&password=secret',
      });
      expect(response.statusCode).toBe(415);
      expectProblem(response, 'UNSUPPORTED_MEDIA_TYPE');
    });
  });

  it('answers 404 in the error shape for a route that does not exist', async () => {
    const response = await gateway.app.inject({ method: 'GET', url: '/v1/nothing-here' });
    expect(response.statusCode).toBe(404);
    expectProblem(response, 'NOT_FOUND');
  });
});
