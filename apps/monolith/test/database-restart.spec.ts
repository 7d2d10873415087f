import { randomUUID } from 'node:crypto';
import { TEST_CARDS } from '@shop/payments-module';
import { eventually, startPrivatePostgres, type PrivatePostgres } from '@shop/testing';
import { request, startTestMonolith, type TestMonolith } from './monolith';

/**
 * The database the modules share restarts (a server of the test's own, so no other suite notices):
 * /readyz says so while it is away and recovers by itself; the process keeps running and a checkout
 * made afterwards settles.
 */
describe('monolith: a database restart', () => {
  let server: PrivatePostgres;
  let shop: TestMonolith;

  beforeAll(async () => {
    server = await startPrivatePostgres();
    shop = await startTestMonolith('monolith_restart', server.connection);
  }, 60_000);

  afterAll(async () => {
    await shop?.close();
    await server?.stop();
  });

  const readiness = async () => (await request(shop.baseUrl, 'GET', '/readyz')).status;

  it('turns /readyz to 503 while the database is away, back to 200 after, and the saga still settles', async () => {
    const ready = () =>
      eventually(async () => {
        if ((await readiness()) !== 200) throw new Error('not ready yet');
      });
    // Ready once started (a first probe may be slower than its deadline on a busy machine).
    await ready();
    const seen = new Set<number>();
    let watching = true;
    const watch = (async () => {
      while (watching) {
        seen.add(await readiness());
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    try {
      await server.restart(2_000);
      await ready();
    } finally {
      watching = false;
      await watch;
    }
    expect(seen).toContain(503);

    const email = `grace-${randomUUID()}@example.com`;
    const password = 'compiler pioneer';
    const registered = await eventually(async () => {
      const answer = await request(shop.baseUrl, 'POST', '/v1/users', {
        body: { email, name: 'Grace Hopper', password },
      });
      if (answer.status !== 201) throw new Error(`register answered ${answer.status}`);
      return answer;
    });
    expect(registered.status).toBe(201);
    const { body } = await request<{ accessToken: string }>(shop.baseUrl, 'POST', '/v1/auth/token', {
      body: { email, password },
    });
    const token = body.accessToken;
    const placed = await request<{ id: string }>(shop.baseUrl, 'POST', '/v1/orders', {
      token,
      body: { items: [{ sku: 'beans-huila', quantity: 1 }], paymentMethod: TEST_CARDS.succeeds },
    });
    expect(placed.status).toBe(202);
    await eventually(async () => {
      const order = await request<{ status: string }>(shop.baseUrl, 'GET', `/v1/orders/${placed.body.id}`, {
        token,
      });
      if (order.body.status !== 'CONFIRMED') throw new Error(`order is ${order.body.status}`);
    });
    await eventually(() => {
      if (!shop.smtp.mails.some((mail) => mail.to.includes(email))) throw new Error('no mail yet');
    });
  }, 60_000);
});
