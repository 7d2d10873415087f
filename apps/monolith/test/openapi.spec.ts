import { AppError } from '@shop/errors';
import { buildShopApi, createOrderStatusHub, type ShopApiPorts } from '@shop/shop-api';
import { testLogger, testSigningKeys } from '@shop/testing';
import { request, startTestMonolith, type TestMonolith } from './monolith';

const refuse = (): Promise<never> => Promise.reject(new AppError('UNAVAILABLE', 'not wired in this test'));

/** Ports that answer nothing: the document depends on the routes only, never on what is behind them. */
const unwiredPorts: ShopApiPorts = {
  users: { register: refuse, issueToken: refuse, getUser: refuse },
  orders: { placeOrder: refuse, getOrder: refuse, listOrders: refuse },
  catalog: { listProducts: refuse, getProduct: refuse },
  email: { listEmails: refuse },
  readiness: { check: refuse },
};

describe('monolith: the public API is the gateway API', () => {
  let shop: TestMonolith;

  beforeAll(async () => {
    shop = await startTestMonolith('monolith_openapi');
  });

  afterAll(async () => {
    await shop?.close();
  });

  it('serves the same OpenAPI document as the shop API over any other ports (the gateway’s included)', async () => {
    const served = await request<{ paths: Record<string, unknown> }>(shop.baseUrl, 'GET', '/openapi.json');
    expect(served.status).toBe(200);

    const reference = await buildShopApi({
      config: { ...shop.config, JWT_PUBLIC_KEY: testSigningKeys().publicKeyPem },
      logger: testLogger('reference'),
      ports: unwiredPorts,
      orderEvents: createOrderStatusHub(() => undefined),
    });
    try {
      const expected: unknown = (await reference.inject({ method: 'GET', url: '/openapi.json' })).json();
      expect(served.body).toEqual(expected);
    } finally {
      await reference.close();
    }
    expect(Object.keys(served.body.paths).sort()).toEqual([
      '/healthz',
      '/readyz',
      '/v1/auth/token',
      '/v1/orders',
      '/v1/orders/{id}',
      '/v1/orders/{id}/events',
      '/v1/products',
      '/v1/products/{sku}',
      '/v1/users',
      '/v1/users/me',
      '/v1/users/me/emails',
    ]);
  });

  it('answers errors as problem details, like the gateway', async () => {
    const unknown = await request(shop.baseUrl, 'GET', '/v1/products/no-such-product');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    const anonymous = await request(shop.baseUrl, 'GET', '/v1/orders');
    expect(anonymous.status).toBe(401);
  });
});
