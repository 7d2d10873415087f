import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { AppError, unavailable } from '@shop/errors';
import { statusDetailsMetadata, toAppError } from '@shop/grpc';
import { toErrorReply } from '../src';
import { startInMemoryShop, type InMemoryShop } from './in-memory-shop';

/** A failed call as grpc-js reports it, the code and field violations in the details trailer. */
function grpcFailure(code: status, message: string, sent?: AppError): ServiceError {
  return Object.assign(new Error(`${code} ${status[code]}: ${message}`), {
    code,
    details: message,
    metadata: sent ? statusDetailsMetadata(sent, code) : new Metadata(),
  });
}

describe('shop API over ports in memory (no transport)', () => {
  let shop: InMemoryShop;
  let token: string;
  let userId: string;
  const bearer = () => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    shop = await startInMemoryShop();
    const registered = await shop.app.inject({
      method: 'POST',
      url: '/v1/users',
      payload: { email: 'ada@example.com', name: 'Ada', password: 'analytical engine' },
    });
    expect(registered.statusCode).toBe(201);
    userId = registered.json<{ id: string }>().id;
    const issued = await shop.app.inject({
      method: 'POST',
      url: '/v1/auth/token',
      payload: { email: 'ada@example.com', password: 'analytical engine' },
    });
    expect(issued.statusCode).toBe(200);
    expect(issued.headers['cache-control']).toBe('no-store');
    expect(issued.json()).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    token = issued.json<{ accessToken: string }>().accessToken;
  });

  afterAll(async () => {
    await shop?.close();
  });

  it('answers a port’s AppError with its status and message: an email taken is a 409', async () => {
    const again = await shop.app.inject({
      method: 'POST',
      url: '/v1/users',
      payload: { email: 'ada@example.com', name: 'Ada', password: 'analytical engine' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'ALREADY_EXISTS', detail: 'Email taken' });
  });

  it('passes the verified caller, with the exact token sent, to the port', async () => {
    const me = await shop.app.inject({ method: 'GET', url: '/v1/users/me', headers: bearer() });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ id: userId, email: 'ada@example.com' });
    expect(shop.calls.filter((call) => call.method === 'getUser').at(-1)?.caller).toMatchObject({
      userId,
      accessToken: token,
    });
  });

  it('places an order once per Idempotency-Key: Location, then a replay with Idempotent-Replayed', async () => {
    const place = () =>
      shop.app.inject({
        method: 'POST',
        url: '/v1/orders',
        headers: { ...bearer(), 'idempotency-key': 'key-1' },
        payload: { items: [{ sku: 'beans-huila', quantity: 2 }], paymentMethod: 'pm_card_visa' },
      });
    const first = await place();
    expect(first.statusCode).toBe(202);
    const { id } = first.json<{ id: string }>();
    expect(first.headers.location).toBe(`/v1/orders/${id}`);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(shop.calls.find((call) => call.method === 'placeOrder')?.input).toEqual({
      items: [{ sku: 'beans-huila', quantity: 2 }],
      paymentMethod: 'pm_card_visa',
      idempotencyKey: 'key-1',
    });
    const replay = await place();
    expect(replay.statusCode).toBe(202);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json()).toEqual(first.json());
  });

  it('hands the page asked for to the port, and answers its page', async () => {
    const page = await shop.app.inject({
      method: 'GET',
      url: '/v1/users/me/emails?limit=5&cursor=abc',
      headers: bearer(),
    });
    expect(page.statusCode).toBe(200);
    expect(page.json()).toEqual({ items: [], nextCursor: null });
    expect(shop.calls.find((call) => call.method === 'listEmails')?.input).toEqual({
      limit: 5,
      cursor: 'abc',
    });
  });

  it('answers a gRPC status error a port passes on as the same error read with `call`', async () => {
    const message = 'The price changed: beans-huila now costs 12.90 EUR.';
    const details = [{ field: 'items[0].unitPriceCents', message: 'beans-huila costs 1290 cents now' }];
    const failure = grpcFailure(status.ABORTED, message, new AppError('PRICE_CHANGED', message, { details }));
    shop.fail('placeOrder', failure);
    try {
      const answer = await shop.app.inject({
        method: 'POST',
        url: '/v1/orders',
        headers: bearer(),
        payload: { items: [{ sku: 'beans-huila', quantity: 1 }], paymentMethod: 'pm_card_visa' },
      });
      const expected = toErrorReply(toAppError(failure));
      expect(answer.statusCode).toBe(409);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(answer.json()).toEqual(expected.body);
      expect(answer.json()).toMatchObject({ code: 'PRICE_CHANGED', detail: message, errors: details });
    } finally {
      shop.fail('placeOrder', undefined);
    }
  });

  it('hides what a dependency that is away says, as gRPC error or as AppError with a cause', () => {
    const refused = grpcFailure(status.UNAVAILABLE, 'connect ECONNREFUSED 10.0.3.7:50051');
    for (const thrown of [refused, unavailable('connect ECONNREFUSED 10.0.3.7:5432', new Error('refused'))]) {
      const reply = toErrorReply(thrown);
      expect(reply.status).toBe(503);
      expect(reply.body.detail).toBe('A service this request needs is unavailable; try again later');
    }
  });

  it('reports readiness from the readiness port: email only degrades, orders decides', async () => {
    shop.setState('email', 'NOT_SERVING');
    const degraded = await shop.app.inject({ method: 'GET', url: '/readyz' });
    expect(degraded.statusCode).toBe(200);
    expect(degraded.json()).toMatchObject({ status: 'ready', notReady: [], degraded: ['email'] });
    shop.setState('orders', 'UNREACHABLE');
    const notReady = await shop.app.inject({ method: 'GET', url: '/readyz' });
    expect(notReady.statusCode).toBe(503);
    expect(notReady.json()).toEqual({
      status: 'not_ready',
      services: { users: 'SERVING', orders: 'UNREACHABLE', email: 'NOT_SERVING' },
      notReady: ['orders'],
      degraded: ['email'],
    });
  });

  it('streams an order’s status through the port until it is final', async () => {
    const placed = await shop.app.inject({
      method: 'POST',
      url: '/v1/orders',
      headers: bearer(),
      payload: { items: [{ sku: 'paper-filters', quantity: 1 }], paymentMethod: 'pm_card_visa' },
    });
    const { id } = placed.json<{ id: string }>();
    const streamed = shop.app.inject({ method: 'GET', url: `/v1/orders/${id}/events`, headers: bearer() });
    while (shop.orderEvents.subscriptions(id) === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const order = shop.orders.get(id);
    if (!order) throw new Error('the order was not kept');
    shop.orders.set(id, { ...order, status: 'CONFIRMED' });
    shop.orderEvents.publish({ orderId: id, status: 'CONFIRMED' });
    const answer = await streamed;
    expect(answer.headers['content-type']).toMatch(/^text\/event-stream/);
    const events = answer.body.split('\n\n').filter((event) => event.startsWith('event: status'));
    const statuses = events.map(
      (event) => (JSON.parse(event.split('data: ')[1] ?? '{}') as { status?: string }).status,
    );
    expect(statuses).toEqual(['PENDING', 'CONFIRMED']);
  });
});
