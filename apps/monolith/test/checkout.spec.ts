import { randomUUID } from 'node:crypto';
import { TEST_CARDS } from '@shop/payments-module';
import { adminConnection, eventually } from '@shop/testing';
import { Client, escapeIdentifier } from 'pg';
import { moduleSchemaOf } from '../src/module-databases';
import { request, startTestMonolith, type TestMonolith } from './monolith';

interface OrderBody {
  id: string;
  status: string;
  totalCents: number;
  cancellationReason?: string;
  payment?: { id: string; outcome: string; declineCode?: string };
}

describe('monolith: a checkout through the public API, every module in one process', () => {
  let shop: TestMonolith;
  const email = `ada-${randomUUID()}@example.com`;
  const password = 'analytical engine';
  let token: string;

  beforeAll(async () => {
    shop = await startTestMonolith('monolith_checkout');
  });

  afterAll(async () => {
    await shop?.close();
  });

  const api = <T = Record<string, unknown>>(
    method: string,
    path: string,
    options: Parameters<typeof request>[3] = {},
  ) => request<T>(shop.baseUrl, method, path, { token, ...options });

  it('registers a user, who signs in and reads their account', async () => {
    const registered = await api('POST', '/v1/users', { body: { email, name: 'Ada Lovelace', password } });
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({ email, name: 'Ada Lovelace' });

    const again = await api('POST', '/v1/users', { body: { email, name: 'Ada', password } });
    expect(again.status).toBe(409);

    const wrong = await api('POST', '/v1/auth/token', { body: { email, password: 'difference engine' } });
    expect(wrong.status).toBe(401);
    const signedIn = await api<{ accessToken: string }>('POST', '/v1/auth/token', {
      body: { email, password },
    });
    expect(signedIn.status).toBe(200);
    token = signedIn.body.accessToken;

    const me = await api('GET', '/v1/users/me');
    expect(me).toEqual({ status: 200, body: registered.body });
  });

  it('places an order with the paying card and one with a declined card; the saga settles both', async () => {
    const products = await api<{ items: { sku: string; priceCents: number }[] }>('GET', '/v1/products');
    const [first, second] = products.body.items;
    if (!first || !second) throw new Error('the catalog has fewer than two products');

    const paid = await api<OrderBody>('POST', '/v1/orders', {
      body: {
        items: [
          { sku: first.sku, quantity: 2, unitPriceCents: first.priceCents },
          { sku: second.sku, quantity: 1 },
        ],
        paymentMethod: TEST_CARDS.succeeds,
      },
      headers: { 'idempotency-key': 'first-checkout' },
    });
    expect(paid.status).toBe(202);
    expect(paid.body).toMatchObject({
      status: 'PENDING',
      totalCents: 2 * first.priceCents + second.priceCents,
    });
    const declined = await api<OrderBody>('POST', '/v1/orders', {
      body: { items: [{ sku: second.sku, quantity: 1 }], paymentMethod: TEST_CARDS.declined },
    });
    expect(declined.status).toBe(202);

    const settled = (id: string) =>
      eventually(async () => {
        const { body } = await api<OrderBody>('GET', `/v1/orders/${id}`);
        if (body.status === 'PENDING') throw new Error(`order ${id} is still pending`);
        return body;
      });
    expect(await settled(paid.body.id)).toMatchObject({
      status: 'CONFIRMED',
      payment: { outcome: 'SUCCEEDED' },
    });
    const cancelled = await settled(declined.body.id);
    expect(cancelled).toMatchObject({
      status: 'CANCELLED',
      payment: { outcome: 'FAILED', declineCode: 'card_declined' },
    });
    expect(cancelled.cancellationReason).toBeTruthy();

    // A retry with the same key gets the first order back.
    const replay = await api<OrderBody>('POST', '/v1/orders', {
      body: {
        items: [
          { sku: first.sku, quantity: 2, unitPriceCents: first.priceCents },
          { sku: second.sku, quantity: 1 },
        ],
        paymentMethod: TEST_CARDS.succeeds,
      },
      headers: { 'idempotency-key': 'first-checkout' },
    });
    expect(replay.body.id).toBe(paid.body.id);

    const listed = await api<{ items: OrderBody[] }>('GET', '/v1/orders?limit=10');
    expect(listed.body.items.map((order) => order.id).sort()).toEqual(
      [paid.body.id, declined.body.id].sort(),
    );
  });

  it('mails the welcome, the receipt and the cancellation, and lists them to the user', async () => {
    const templates = await eventually(async () => {
      const { body } = await api<{ items: { template: string }[] }>('GET', '/v1/users/me/emails');
      if (body.items.length < 3) throw new Error(`${body.items.length} mails so far`);
      return body.items.map((mail) => mail.template).sort();
    });
    expect(templates).toEqual(['order-cancelled', 'order-confirmed', 'welcome']);
    const received = shop.smtp.mails.filter((mail) => mail.to.includes(email));
    expect(received).toHaveLength(3);
  });

  it('is ready while every module reaches its database, and not while orders cannot', async () => {
    await eventually(async () => {
      const { status } = await api('GET', '/readyz');
      if (status !== 200) throw new Error(`readyz answered ${status}`);
    });
    // The orders module's role may no longer log in and its connections are cut: its database is away.
    const { role } = moduleSchemaOf(shop.config, 'orders');
    await setLogin(role, false);
    try {
      const notReady = await eventually(async () => {
        const answer = await api<{ notReady: string[] }>('GET', '/readyz');
        if (answer.status !== 503) throw new Error(`readyz answered ${answer.status}`);
        return answer.body;
      });
      expect(notReady.notReady).toContain('orders');
      // The rest of the API still answers.
      expect((await api('GET', '/v1/users/me')).status).toBe(200);
    } finally {
      await setLogin(role, true);
    }
    await eventually(async () => {
      const { status } = await api('GET', '/readyz');
      if (status !== 200) throw new Error(`readyz answered ${status}`);
    });
  });
});

/** Lets a role log in or not, and ends its open connections: for the role, the database went away. */
async function setLogin(role: string, login: boolean): Promise<void> {
  const admin = new Client(adminConnection());
  await admin.connect();
  try {
    await admin.query(`ALTER ROLE ${escapeIdentifier(role)} ${login ? 'LOGIN' : 'NOLOGIN'}`);
    if (!login) {
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [role]);
    }
  } finally {
    await admin.end();
  }
}
