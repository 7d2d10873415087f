import { randomUUID } from 'node:crypto';
import type { Metadata } from '@grpc/grpc-js';
import { emailV1, ordersV1, usersV1 } from '@shop/contracts';
import { createGrpcServer, grpcService, unary, type GrpcServer } from '@shop/grpc';
import { testLogger } from '@shop/testing';
import { startTestGateway, type TestGateway } from './gateway';

/**
 * Every call the gateway makes for a signed-in user carries that user's access token, as it came, in
 * the `authorization` metadata: the services act for whom the token names, and nothing else says who
 * the caller is. A stand-in for the orders, users and email services records what each call carried.
 */
describe('gateway: the caller’s access token travels with every call made for them', () => {
  const logger = testLogger('gateway-stand-ins');
  const seen: { method: string; authorization: unknown; request: unknown }[] = [];
  let server: GrpcServer;
  let gateway: TestGateway;

  const record = (method: string, request: unknown, metadata: Metadata) =>
    seen.push({ method, authorization: metadata.get('authorization')[0], request });
  const anOrder = (userId: string) =>
    ordersV1.Order.fromPartial({
      id: randomUUID(),
      userId,
      status: ordersV1.OrderStatus.ORDER_STATUS_PENDING,
      items: [{ sku: 'beans-huila', quantity: 1, unitPriceCents: 1290 }],
      totalCents: 1290,
      currency: 'EUR',
      paymentMethod: 'pm_card_visa',
      createdAt: new Date(),
      updatedAt: new Date(),
    });
  const unused = unary<unknown, never>(() => Promise.reject(new Error('not used here')), logger);

  beforeAll(async () => {
    server = createGrpcServer({
      logger,
      credentials: 'insecure',
      services: [
        grpcService(ordersV1.OrdersServiceService, {
          createOrder: unary((request, call) => {
            record('CreateOrder', request, call.metadata);
            return Promise.resolve({ order: anOrder(randomUUID()), replayed: false });
          }, logger),
          getOrder: unary((request, call) => {
            record('GetOrder', request, call.metadata);
            return Promise.resolve({ order: anOrder(randomUUID()) });
          }, logger),
          listOrders: unary((request, call) => {
            record('ListOrders', request, call.metadata);
            return Promise.resolve({ orders: [], nextCursor: '' });
          }, logger),
        }),
        grpcService(usersV1.UsersServiceService, {
          register: unused,
          authenticate: unused,
          getUser: unary((request, call) => {
            record('GetUser', request, call.metadata);
            const user = { id: request.id, email: 'ada@example.com', name: 'Ada', createdAt: new Date() };
            return Promise.resolve({ user });
          }, logger),
        }),
        grpcService(emailV1.EmailServiceService, {
          listEmails: unary((request, call) => {
            record('ListEmails', request, call.metadata);
            return Promise.resolve({ emails: [], nextCursor: '' });
          }, logger),
        }),
      ],
    });
    const address = `127.0.0.1:${await server.listen('127.0.0.1', 0)}`;
    gateway = await startTestGateway({
      ORDERS_SERVICE_ADDRESS: address,
      USERS_SERVICE_ADDRESS: address,
      EMAIL_SERVICE_ADDRESS: address,
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await server?.shutdown(1_000);
  });

  it('forwards the token of each route’s caller, and the users service is asked for the token’s user', async () => {
    const userId = randomUUID();
    const token = gateway.token({ sub: userId });
    const headers = { authorization: `Bearer ${token}` };
    const answers = await Promise.all([
      gateway.app.inject({
        method: 'POST',
        url: '/v1/orders',
        headers,
        payload: { items: [{ sku: 'beans-huila', quantity: 1 }], paymentMethod: 'pm_card_visa' },
      }),
      gateway.app.inject({ url: `/v1/orders/${randomUUID()}`, headers }),
      gateway.app.inject({ url: '/v1/orders', headers }),
      gateway.app.inject({ url: '/v1/users/me', headers }),
      gateway.app.inject({ url: '/v1/users/me/emails', headers }),
    ]);
    expect(answers.map((answer) => answer.statusCode)).toEqual([202, 200, 200, 200, 200]);

    expect(seen.map(({ method }) => method).sort()).toEqual(
      ['CreateOrder', 'GetOrder', 'GetUser', 'ListEmails', 'ListOrders'].sort(),
    );
    for (const call of seen) expect(call).toMatchObject({ authorization: `Bearer ${token}` });
    expect(seen.find(({ method }) => method === 'GetUser')?.request).toEqual({ id: userId });
  });
});
