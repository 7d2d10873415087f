import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createDecoder } from 'fast-jwt';
import { ordersV1 } from '@shop/contracts';
import { readServerSentEvents, type ServerSentEvent } from '@shop/event-stream';
import { eventually } from '@shop/testing';
import { expectProblem, startTestGateway, type TestGateway } from './gateway';
import { startOrdersStandIn, type OrdersStandIn } from './orders-stand-in';

interface OrderEvent extends ServerSentEvent {
  order: { id: string; status: string; cancellationReason?: string };
}

/** A gateway that listens on a free port, its orders service answering from the stand-in. */
async function listeningGateway(orders: OrdersStandIn, env: Record<string, string> = {}) {
  const gateway = await startTestGateway({
    ORDERS_SERVICE_ADDRESS: orders.address,
    ORDER_EVENTS_RECHECK_MS: '60000',
    ...env,
  });
  await gateway.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = gateway.app.server.address() as AddressInfo;
  return { gateway, baseUrl: `http://127.0.0.1:${port}` };
}

/**
 * Node's fetch opens spare connections that never carry a request, and a server's close waits for
 * those; main.ts cuts every connection off after the grace period, and so does this, after a second.
 */
async function closeCuttingSpareConnections(gateway: TestGateway): Promise<void> {
  const cutOff = setTimeout(() => gateway.app.server.closeAllConnections(), 1_000);
  try {
    await gateway.close();
  } finally {
    clearTimeout(cutOff);
  }
}

/** Follows an order's stream as a client would: fetch, then the events one at a time. */
async function follow(baseUrl: string, orderId: string, token: string) {
  const abort = new AbortController();
  const response = await fetch(`${baseUrl}/v1/orders/${orderId}/events`, {
    headers: { authorization: `Bearer ${token}` },
    signal: abort.signal,
  });
  if (!response.body) throw new Error('no body');
  const comments: string[] = [];
  const events = readServerSentEvents(response.body, { onComment: (text) => comments.push(text) });
  return {
    response,
    comments,
    /** The next event, or undefined once the stream has ended. */
    async next(): Promise<OrderEvent | undefined> {
      const next = await events.next();
      if (next.done) return undefined;
      return { ...next.value, order: JSON.parse(next.value.data) as OrderEvent['order'] };
    },
    abort: () => abort.abort(),
  };
}

describe('gateway: live order status (GET /v1/orders/:id/events)', () => {
  let orders: OrdersStandIn;
  let gateway: TestGateway;
  let baseUrl: string;
  const customer = randomUUID();
  let token: string;

  beforeAll(async () => {
    orders = await startOrdersStandIn();
    ({ gateway, baseUrl } = await listeningGateway(orders, { ORDER_EVENTS_HEARTBEAT_MS: '200' }));
    token = gateway.token({ sub: customer });
  });

  afterAll(async () => {
    if (gateway) await closeCuttingSpareConnections(gateway);
    await orders?.close();
  });

  it('sends the order as it is first, then the change an order event announces, and ends once it is final', async () => {
    const id = randomUUID();
    orders.put(id, customer);
    const stream = await follow(baseUrl, id, token);
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(stream.response.headers.get('cache-control')).toBe('no-cache');

    const first = await stream.next();
    const asGetAnswers = await gateway.app.inject({
      url: `/v1/orders/${id}`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(first).toMatchObject({ event: 'status', id: '1' });
    expect(first?.order).toEqual(asGetAnswers.json());
    expect(first?.order.status).toBe('PENDING');

    // An event that changes nothing (the order is PENDING already) sends nothing.
    gateway.orderEvents.publish({ orderId: id, status: 'PENDING' });
    orders.put(id, customer, {
      status: ordersV1.OrderStatus.ORDER_STATUS_CONFIRMED,
      payment: {
        paymentId: 'pay-1',
        outcome: ordersV1.PaymentOutcome.PAYMENT_OUTCOME_SUCCEEDED,
        declineCode: '',
      },
    });
    gateway.orderEvents.publish({ orderId: id, status: 'CONFIRMED' });

    const second = await stream.next();
    expect(second).toMatchObject({ event: 'status', id: '2' });
    expect(second?.order).toMatchObject({ id, status: 'CONFIRMED', payment: { outcome: 'SUCCEEDED' } });
    expect(await stream.next()).toBeUndefined();
    expect(gateway.orderEvents.subscriptions(id)).toBe(0);
  });

  it('sends one event and ends when the order is final already', async () => {
    const id = randomUUID();
    orders.put(id, customer, {
      status: ordersV1.OrderStatus.ORDER_STATUS_CANCELLED,
      cancellationReason: 'payment declined',
    });
    const stream = await follow(baseUrl, id, token);
    expect((await stream.next())?.order).toMatchObject({
      status: 'CANCELLED',
      cancellationReason: 'payment declined',
    });
    expect(await stream.next()).toBeUndefined();
    expect(gateway.orderEvents.subscriptions(id)).toBe(0);
  });

  it('sends keep-alive comments while the order stays PENDING', async () => {
    const id = randomUUID();
    orders.put(id, customer);
    const stream = await follow(baseUrl, id, token);
    await stream.next();
    const reading = stream.next();
    await eventually(() => expect(stream.comments).toContain('keep-alive'), 5_000);
    stream.abort();
    await reading.catch(() => undefined);
  });

  it('answers another user’s order and an unknown id with a 404 before any stream starts', async () => {
    const id = randomUUID();
    orders.put(id, randomUUID());
    for (const orderId of [id, randomUUID()]) {
      const response = await gateway.app.inject({
        url: `/v1/orders/${orderId}/events`,
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.statusCode).toBe(404);
      expectProblem(response, 'NOT_FOUND');
    }
    expect(gateway.orderEvents.subscriptions()).toBe(0);
  });

  it('answers an id that is not a UUID with a 400, and no token with a 401, without asking the orders service', async () => {
    const before = orders.reads();
    const badId = await gateway.app.inject({
      url: '/v1/orders/not-a-uuid/events',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(badId.statusCode).toBe(400);
    expect(expectProblem(badId, 'INVALID_ARGUMENT').errors?.[0]?.field).toBe('id');
    const anonymous = await gateway.app.inject({ url: `/v1/orders/${randomUUID()}/events` });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['www-authenticate']).toBe('Bearer');
    expectProblem(anonymous, 'UNAUTHENTICATED');
    expect(orders.reads()).toBe(before);
  });

  it('answers 503 when the orders service is away as the stream would start', async () => {
    const id = randomUUID();
    orders.put(id, customer);
    orders.setUnavailable(true);
    try {
      const response = await gateway.app.inject({
        url: `/v1/orders/${id}/events`,
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.statusCode).toBe(503);
      expectProblem(response, 'UNAVAILABLE');
    } finally {
      orders.setUnavailable(false);
    }
    expect(gateway.orderEvents.subscriptions(id)).toBe(0);
  });

  it('gives the subscription back when the client goes away', async () => {
    const id = randomUUID();
    orders.put(id, customer);
    const stream = await follow(baseUrl, id, token);
    await stream.next();
    expect(gateway.orderEvents.subscriptions(id)).toBe(1);
    stream.abort();
    await eventually(() => expect(gateway.orderEvents.subscriptions(id)).toBe(0), 5_000);
  });
});

describe('gateway: live order status when events go missing', () => {
  let orders: OrdersStandIn;

  beforeAll(async () => {
    orders = await startOrdersStandIn();
  });
  afterAll(() => orders?.close());

  /** A new PENDING order of a new customer, followed: the stream's first event is read already. */
  const followNewOrder = async (gateway: TestGateway, baseUrl: string) => {
    const customer = randomUUID();
    const id = randomUUID();
    orders.put(id, customer);
    const stream = await follow(baseUrl, id, gateway.token({ sub: customer }));
    expect((await stream.next())?.order.status).toBe('PENDING');
    return { customer, id, stream };
  };

  it('catches up by reading the order again, through reads that fail meanwhile, when no event comes', async () => {
    const { gateway, baseUrl } = await listeningGateway(orders, { ORDER_EVENTS_RECHECK_MS: '200' });
    try {
      const { customer, id, stream } = await followNewOrder(gateway, baseUrl);

      orders.setUnavailable(true);
      const readsBefore = orders.reads();
      await eventually(() => expect(orders.reads()).toBeGreaterThan(readsBefore + 1), 5_000);
      orders.setUnavailable(false);
      // Confirmed without an event: only the re-read can tell.
      orders.put(id, customer, { status: ordersV1.OrderStatus.ORDER_STATUS_CONFIRMED });

      expect((await stream.next())?.order.status).toBe('CONFIRMED');
      expect(await stream.next()).toBeUndefined();
    } finally {
      await closeCuttingSpareConnections(gateway);
    }
  });

  it('reads the order again at once when the event listener starts hearing again (events before may be unheard)', async () => {
    // Rechecks far apart: only the resync can bring the change within the test.
    const { gateway, baseUrl } = await listeningGateway(orders, { ORDER_EVENTS_RECHECK_MS: '60000' });
    try {
      const { customer, id, stream } = await followNewOrder(gateway, baseUrl);

      // Confirmed while the listener was not hearing: no event comes.
      orders.put(id, customer, { status: ordersV1.OrderStatus.ORDER_STATUS_CONFIRMED });
      gateway.orderEvents.resync();

      expect((await stream.next())?.order.status).toBe('CONFIRMED');
      expect(await stream.next()).toBeUndefined();
    } finally {
      await closeCuttingSpareConnections(gateway);
    }
  });

  it("ends the stream once the orders service stops accepting the caller's token (it expired)", async () => {
    const { gateway, baseUrl } = await listeningGateway(orders, { ORDER_EVENTS_RECHECK_MS: '200' });
    try {
      const token = gateway.tokenWith({ expiresInMs: 2_000 });
      const { sub: customer } = createDecoder()(token) as { sub: string };
      const id = randomUUID();
      orders.put(id, customer);
      const stream = await follow(baseUrl, id, token);
      expect((await stream.next())?.order.status).toBe('PENDING');

      // Still pending when the token runs out: the stream ends rather than go on failing its re-reads.
      expect(await stream.next()).toBeUndefined();
      expect(gateway.orderEvents.subscriptions()).toBe(0);
    } finally {
      await closeCuttingSpareConnections(gateway);
    }
  });

  it('ends the open streams when the gateway stops, and the stop does not wait for them', async () => {
    const { gateway, baseUrl } = await listeningGateway(orders);
    const customer = randomUUID();
    const id = randomUUID();
    orders.put(id, customer);
    const stream = await follow(baseUrl, id, gateway.token({ sub: customer }));
    await stream.next();

    const startedAt = Date.now();
    await gateway.close();
    expect(Date.now() - startedAt).toBeLessThan(5_000);
    expect(await stream.next()).toBeUndefined();
    expect(gateway.orderEvents.subscriptions()).toBe(0);
  });
});
