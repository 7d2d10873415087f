import { Server, ServerCredentials } from '@grpc/grpc-js';
import { ordersV1, usersV1 } from '@shop/contracts';
import { serviceFullName } from '@shop/grpc';
import { HealthImplementation, type ServingStatus } from 'grpc-health-check';
import { startTestGateway, type TestGateway } from './gateway';

/** A server that answers the health protocol for the users and orders services, as they would. */
async function startHealthServer() {
  const health = new HealthImplementation();
  const names = [
    serviceFullName(usersV1.UsersServiceService),
    serviceFullName(ordersV1.OrdersServiceService),
  ];
  const set = (status: ServingStatus) => names.forEach((name) => health.setStatus(name, status));
  set('SERVING');
  const server = new Server();
  health.addToServer(server);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return {
    address: `127.0.0.1:${port}`,
    set,
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}

describe('gateway readiness', () => {
  let services: Awaited<ReturnType<typeof startHealthServer>>;
  let gateway: TestGateway;

  beforeAll(async () => {
    services = await startHealthServer();
    // Payments and email stay unreachable (the test gateway's default downstream).
    gateway = await startTestGateway({
      USERS_SERVICE_ADDRESS: services.address,
      ORDERS_SERVICE_ADDRESS: services.address,
      READINESS_DEADLINE_MS: '500',
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await services?.close();
  });

  it('stays ready while email is away, naming it degraded; payments, which no route calls, is not asked', async () => {
    const response = await gateway.app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      status: 'ready',
      services: { users: 'SERVING', orders: 'SERVING', email: 'UNREACHABLE' },
      notReady: [],
      degraded: ['email'],
    });
  });

  it('is not ready while a service it calls reports NOT_SERVING (its database is away), and ready again after', async () => {
    services.set('NOT_SERVING');
    const down = await gateway.app.inject({ method: 'GET', url: '/readyz' });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({ status: 'not_ready', notReady: ['users', 'orders'] });

    services.set('SERVING');
    const back = await gateway.app.inject({ method: 'GET', url: '/readyz' });
    expect(back.statusCode).toBe(200);
  });
});
