import { expectProblem, startTestGateway, type TestGateway } from './gateway';

describe('gateway: when the services behind it cannot be reached', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway({ GRPC_DEADLINE_MS: '2000', READINESS_DEADLINE_MS: '500' });
  });

  afterAll(async () => {
    await gateway?.close();
  });

  const bearer = () => ({ authorization: `Bearer ${gateway.token()}` });

  it.each([
    [
      'register',
      () => ({
        method: 'POST',
        url: '/v1/users',
        payload: { email: 'ada@example.com', name: 'Ada', password: 'long enough' },
      }),
    ],
    [
      'sign in',
      () => ({
        method: 'POST',
        url: '/v1/auth/token',
        payload: { email: 'ada@example.com', password: 'long enough' },
      }),
    ],
    ['read the signed-in user', () => ({ method: 'GET', url: '/v1/users/me', headers: bearer() })],
    [
      'place an order',
      () => ({
        method: 'POST',
        url: '/v1/orders',
        headers: { ...bearer(), 'idempotency-key': 'order-1' },
        payload: {
          items: [{ sku: 'milk-jug', quantity: 1, unitPriceCents: 1_900 }],
          paymentMethod: 'pm_card_visa',
        },
      }),
    ],
    [
      'read an order',
      () => ({ method: 'GET', url: '/v1/orders/0e7c1f7e-6a0b-4c6e-9d33-0b8f3f3d2a11', headers: bearer() }),
    ],
    ['list orders', () => ({ method: 'GET', url: '/v1/orders?limit=10', headers: bearer() })],
    ['list the products', () => ({ method: 'GET', url: '/v1/products' })],
    ['read a product', () => ({ method: 'GET', url: '/v1/products/milk-jug' })],
  ] as const)(
    'a valid request to %s is answered 503 UNAVAILABLE, never 500, without internal addresses',
    async (_label, request) => {
      const before = gateway.downstreamConnections();
      const response = await gateway.app.inject(request());
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toMatch(/^\d+$/);
      const error = expectProblem(response, 'UNAVAILABLE');
      expect(error.detail).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|:\d{2,5}/);
      // It did try: the request reached the gRPC client (or found its channel already failing).
      expect(gateway.downstreamConnections()).toBeGreaterThanOrEqual(before);
    },
  );

  it('is not ready, reports the three services its routes call and names the two they all need', async () => {
    const response = await gateway.app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({
      status: 'not_ready',
      services: { users: 'UNREACHABLE', orders: 'UNREACHABLE', email: 'UNREACHABLE' },
      notReady: ['users', 'orders'],
      degraded: ['email'],
    });
  });

  it('is still alive', async () => {
    const response = await gateway.app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });
});
