import { startTestStack, type TestStack } from '@shop/stack';
import { eventually, startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '@shop/testing';
import { checkout, shopClient, tracingEnv, untilSpansStopArriving, type Checkout } from '@shop/shop-client';
import { buildTraceTree, SPAN_KIND } from '@shop/trace-tree';

/**
 * The documented switch, `KAFKA_CONSUMER_TRACE_CONTEXT=link`: each consumer starts a trace of its own
 * and links it to the producer's span, instead of continuing the producer's trace. The checkout then
 * reads as a chain of traces joined by links, each complete in itself.
 */
jest.setTimeout(120_000);

const describeSpan = (span: ReceivedSpan) => `${span.service}: ${span.name}`;

describe('with KAFKA_CONSUMER_TRACE_CONTEXT=link the checkout is a chain of linked traces', () => {
  let receiver: OtlpReceiver;
  let stack: TestStack;
  let placed: Checkout;
  let requestTraceId: string;

  /** The consumers' own spans: one `process <topic>` per message whose work the shop did. */
  const handleSpans = () =>
    receiver.spans.filter((span) => span.kind === SPAN_KIND.consumer && span.name.startsWith('process '));
  const producerSpan = (link: { traceId: string; spanId: string }) =>
    receiver.spans.find(
      (span) =>
        span.kind === SPAN_KIND.producer && span.traceId === link.traceId && span.spanId === link.spanId,
    );

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    stack = await startTestStack({
      label: 'links',
      env: { ...tracingEnv(receiver.endpoint), KAFKA_CONSUMER_TRACE_CONTEXT: 'link' },
    });
    placed = await checkout(shopClient(stack.gatewayUrl), {
      email: `linked-${stack.run}@example.com`,
      paymentMethod: 'pm_card_visa',
      waitForMail: (email, orderId) =>
        eventually(
          () => stack.smtp.mails.some((mail) => mail.to.includes(email) && mail.raw.includes(orderId)),
          30_000,
        ).then(() => undefined),
    });
    await untilSpansStopArriving(receiver.spans);
    requestTraceId = placed.traceIdHeader ?? '';
  }, 300_000);

  afterAll(async () => {
    await stack?.stop();
    await receiver?.stop();
  }, 60_000);

  it('settles the order as CONFIRMED, as in the default mode', () => {
    expect(placed.order.status).toBe('CONFIRMED');
  });

  it("keeps the request's trace to the synchronous part: gateway, orders and users, up to the outbox's send", () => {
    const spans = receiver.spans.filter((span) => span.traceId === requestTraceId);
    expect([...new Set(spans.map((span) => span.service))].sort()).toEqual([
      'gateway',
      'orders-service',
      'users-service',
    ]);
    expect(spans.filter((span) => span.kind === SPAN_KIND.producer).map(describeSpan)).toEqual([
      `orders-service: send ${stack.topicPrefix}orders.v1.events`,
    ]);
  });

  it("handles the order's messages in payments, orders and email, each in a trace of its own", () => {
    const handled = handleSpans().filter((span) => span.attributes['app.order.id'] === placed.orderId);
    expect(new Set(handled.map((span) => span.service))).toEqual(
      new Set(['payments-service', 'orders-service', 'email-service']),
    );
    for (const span of handled) expect(span.traceId).not.toBe(requestTraceId);
  });

  it('links every process span to the producer span that sent its message, in the trace before it', () => {
    const handled = handleSpans().filter((span) => span.attributes['app.order.id'] === placed.orderId);
    expect(handled.length).toBeGreaterThanOrEqual(3);
    for (const span of handled) {
      expect(span.links).toHaveLength(1);
      const [link] = span.links;
      const producer = link && producerSpan(link);
      expect(producer && describeSpan(producer)).toBe(
        `${span.service === 'orders-service' ? 'payments-service' : 'orders-service'}: send ${span.name.slice('process '.length)}`,
      );
      expect(link?.traceId).not.toBe(span.traceId);
    }
    // The payment's link leads back to the request itself.
    const payment = handled.find((span) => span.service === 'payments-service');
    expect(payment?.links[0]?.traceId).toBe(requestTraceId);
  });

  it("hangs each message's work under its process span: the charge, the queries, the next send, the mail", () => {
    const payment = handleSpans().find(
      (span) => span.service === 'payments-service' && span.attributes['app.order.id'] === placed.orderId,
    );
    const children = receiver.spans
      .filter((span) => span.traceId === payment?.traceId && span.parentSpanId === payment?.spanId)
      .map((span) => span.name);
    expect(children).toContain('payment-provider charge');
    expect(children).toContain(`send ${stack.topicPrefix}payments.v1.events`);
    expect(children.filter((name) => name.startsWith('pg.query:COMMIT'))).toHaveLength(1);
    const mail = handleSpans().find(
      (span) => span.service === 'email-service' && span.attributes['app.order.id'] === placed.orderId,
    );
    expect(
      receiver.spans.some((span) => span.parentSpanId === mail?.spanId && span.name === 'smtp send'),
    ).toBe(true);
  });

  it('leaves no span whose parent is missing in any of the linked traces', () => {
    const traceIds = new Set(
      handleSpans()
        .filter((span) => span.attributes['app.order.id'] === placed.orderId)
        .map((span) => span.traceId),
    );
    traceIds.add(requestTraceId);
    for (const traceId of traceIds) {
      const { orphans } = buildTraceTree(receiver.spans.filter((span) => span.traceId === traceId));
      expect(orphans.map((node) => describeSpan(node.span))).toEqual([]);
    }
  });
});
