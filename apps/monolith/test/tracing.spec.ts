import { randomUUID } from 'node:crypto';
import { TEST_CARDS } from '@shop/payments-module';
import { eventually, recordSpans, type RecordedSpans } from '@shop/testing';
import { request, startTestMonolith, type TestMonolith } from './monolith';

/**
 * One checkout is one trace, module by module: the order placed by the orders module, its OrderCreated
 * delivered in process to payments, which charges the card, the outcome delivered to orders, and the
 * confirmation to email, which sends the mail.
 */
describe('monolith: tracing a checkout', () => {
  let spans: RecordedSpans;
  let shop: TestMonolith;

  beforeAll(async () => {
    spans = recordSpans();
    shop = await startTestMonolith('monolith_tracing');
  });

  afterAll(async () => {
    await shop?.close();
    await spans.stop();
  });

  it('keeps the order, the charge, the settlement and the mail in the trace of the order placed', async () => {
    const email = `alan-${randomUUID()}@example.com`;
    const password = 'universal machine';
    await request(shop.baseUrl, 'POST', '/v1/users', { body: { email, name: 'Alan Turing', password } });
    const { body } = await request<{ accessToken: string }>(shop.baseUrl, 'POST', '/v1/auth/token', {
      body: { email, password },
    });
    const placed = await request<{ id: string }>(shop.baseUrl, 'POST', '/v1/orders', {
      token: body.accessToken,
      body: { items: [{ sku: 'beans-huila', quantity: 1 }], paymentMethod: TEST_CARDS.succeeds },
    });
    expect(placed.status).toBe(202);

    const placing = await eventually(() => {
      const span = spans.exporter
        .getFinishedSpans()
        .find(
          (candidate) =>
            candidate.name === 'orders placeOrder' && candidate.attributes['app.order.id'] === placed.body.id,
        );
      if (!span) throw new Error('no span of the order placed');
      return span;
    });
    const { traceId } = placing.spanContext();
    const inTrace = () =>
      spans.exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
    const consumers = (name: string) =>
      inTrace()
        .filter((span) => span.name === name)
        .map((span) => span.attributes['messaging.consumer.group.name']);

    await eventually(() => {
      expect(consumers('process orders.v1.events')).toEqual(
        expect.arrayContaining(['payments', 'email', 'order-status-streams']),
      );
      expect(consumers('process payments.v1.events')).toContain('orders');
      expect(inTrace().map((span) => span.name)).toEqual(
        expect.arrayContaining(['payment-provider charge', 'smtp send', 'users getUser']),
      );
    });
    expect(placing.attributes['app.module']).toBe('orders');
  });
});
