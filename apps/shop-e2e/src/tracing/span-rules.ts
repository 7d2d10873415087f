import { SERVICES } from '@shop/stack';
import type { ReceivedSpan } from '@shop/testing';
import { buildTraceTree, SPAN_KIND, STATUS_CODE } from '@shop/trace-tree';
import { APPS, describeSpan, HEX32, type CheckoutCase, type TracedCheckouts } from './traced-checkouts';

/**
 * What a checkout's trace must be: one trace with one root, nothing dangling, every hop described by its
 * semantic attributes and the shop's own (HTTP -> gRPC -> Postgres -> outbox -> Kafka -> ... -> SMTP).
 */
export function checkoutSpanRules(traced: TracedCheckouts, { which, outcome, template }: CheckoutCase): void {
  it('is answered with its trace id: x-trace-id and a W3C traceresponse naming the same trace', () => {
    const { traceId } = traced.traceOf(which);
    expect(traced.placed[which].traceIdHeader).toBe(traceId);
    expect(traced.placed[which].traceResponseHeader).toMatch(
      new RegExp(`^00-${traceId}-[0-9a-f]{16}-0[01]$`),
    );
  });

  it('has spans from all five apps under one trace id', () => {
    const { traceId, spans } = traced.traceOf(which);
    expect(traceId).toMatch(HEX32);
    expect([...new Set(spans.map((span) => span.service))].sort()).toEqual([...APPS].sort());
  });

  it("has exactly one root, the gateway's POST /v1/orders, and no span whose parent is missing", () => {
    const { roots, orphans } = buildTraceTree(traced.traceOf(which).spans);
    expect(orphans.map((node) => describeSpan(node.span))).toEqual([]);
    expect(roots.map((node) => describeSpan(node.span))).toEqual([
      `gateway: POST /v1/orders (kind ${SPAN_KIND.server})`,
    ]);
  });

  it('crosses Kafka as producer and consumer spans naming kafka and the topic, each consumer a child of its producer', () => {
    const { spans } = traced.traceOf(which);
    const producers = spans.filter((span) => span.kind === SPAN_KIND.producer);
    const consumers = spans.filter((span) => span.kind === SPAN_KIND.consumer);
    const orderEvents = `${traced.stack.topicPrefix}orders.v1.events`;
    const paymentEvents = `${traced.stack.topicPrefix}payments.v1.events`;

    expect(new Set(producers.map((span) => span.attributes['messaging.destination.name']))).toEqual(
      new Set([orderEvents, paymentEvents]),
    );
    expect(
      new Set(consumers.map((span) => `${span.service} <- ${span.attributes['messaging.destination.name']}`)),
    ).toEqual(
      new Set([
        `payments-service <- ${orderEvents}`,
        `email-service <- ${orderEvents}`,
        `orders-service <- ${paymentEvents}`,
        `gateway <- ${orderEvents}`,
      ]),
    );
    for (const span of [...producers, ...consumers]) {
      expect({ span: describeSpan(span), system: span.attributes['messaging.system'] }).toEqual({
        span: describeSpan(span),
        system: 'kafka',
      });
    }
    for (const consumer of consumers) {
      const parent = spans.find((span) => span.spanId === consumer.parentSpanId);
      expect({
        consumer: describeSpan(consumer),
        parentKind: parent?.kind,
        topic: parent?.attributes['messaging.destination.name'],
      }).toEqual({
        consumer: describeSpan(consumer),
        parentKind: SPAN_KIND.producer,
        topic: consumer.attributes['messaging.destination.name'],
      });
    }
  });

  it("queries each service's own database in pg spans with db.system.name, db.namespace and db.query.text", () => {
    const { spans } = traced.traceOf(which);
    const queries = spans.filter((span) => span.name.startsWith('pg.query:'));
    expect([...new Set(queries.map((span) => span.service))].sort()).toEqual([...SERVICES].sort());
    for (const span of queries) {
      expect({ span: describeSpan(span), ...span.attributes }).toMatchObject({
        span: describeSpan(span),
        'db.system.name': 'postgresql',
        'db.namespace': traced.stack.databases[span.service as (typeof SERVICES)[number]],
        'db.query.text': expect.stringMatching(/\S/) as string,
      });
    }
  });

  it("publishes from the outbox inside the request's trace: the relay's send span is a child of the CreateOrder span whose transaction wrote the row", () => {
    const { spans } = traced.traceOf(which);
    const createOrder = spans.find(
      (span) =>
        span.service === 'orders-service' &&
        span.kind === SPAN_KIND.server &&
        span.name.endsWith('/CreateOrder'),
    );
    expect(createOrder).toBeDefined();
    const children = spans.filter((span) => span.parentSpanId === createOrder?.spanId);
    expect(
      children.some((span) => /INSERT INTO outbox/i.test(String(span.attributes['db.query.text']))),
    ).toBe(true);
    expect(children.filter((span) => span.kind === SPAN_KIND.producer).map(describeSpan)).toEqual([
      `orders-service: send ${traced.stack.topicPrefix}orders.v1.events (kind ${SPAN_KIND.producer})`,
    ]);
  });

  it('carries the order id on the CreateOrder span and on every consumer span that handled the order, and the customer id on CreateOrder', () => {
    const { spans } = traced.traceOf(which);
    const { orderId, customer } = traced.placed[which];
    const createOrder = spans.find(
      (span) =>
        span.service === 'orders-service' &&
        span.kind === SPAN_KIND.server &&
        span.name.endsWith('/CreateOrder'),
    );
    expect(createOrder?.attributes).toMatchObject({ 'app.order.id': orderId, 'app.user.id': customer.id });

    // A consumer span with children did work for the order; one without skipped an event type it
    // has no handler for (email-service and OrderCreated, payments-service and OrderConfirmed).
    const handling = spans.filter(
      (span) => span.kind === SPAN_KIND.consumer && spans.some((child) => child.parentSpanId === span.spanId),
    );
    expect([...new Set(handling.map((span) => span.service))].sort()).toEqual([
      'email-service',
      'gateway',
      'orders-service',
      'payments-service',
    ]);
    for (const span of handling) {
      expect({ span: describeSpan(span), orderId: span.attributes['app.order.id'] }).toEqual({
        span: describeSpan(span),
        orderId,
      });
    }
  });

  it(`charges the card in a payment-provider charge span with app.payment.outcome=${outcome}`, () => {
    const { spans } = traced.traceOf(which);
    const charges = spans.filter(
      (span) => span.service === 'payments-service' && span.name === 'payment-provider charge',
    );
    expect(charges).toHaveLength(1);
    expect(charges[0]?.attributes['app.payment.outcome']).toBe(outcome);
    expect(charges[0]?.attributes['app.order.id']).toBe(traced.placed[which].orderId);
    expect(charges[0]?.status.code).toBe(outcome === 'declined' ? STATUS_CODE.error : STATUS_CODE.unset);
  });

  it("pushes the outcome to the checkout's open stream in a push order status span under the gateway's consumer span", () => {
    const { spans } = traced.traceOf(which);
    const pushes = spans.filter((span) => span.service === 'gateway' && span.name === 'push order status');
    expect(pushes.map((span) => [span.kind, span.attributes['app.order.status']])).toEqual([
      [SPAN_KIND.internal, which === 'confirmed' ? 'CONFIRMED' : 'CANCELLED'],
    ]);
    expect(pushes[0]?.attributes['app.order.id']).toBe(traced.placed[which].orderId);
    const parent = spans.find((span) => span.spanId === pushes[0]?.parentSpanId);
    expect(parent && describeSpan(parent)).toBe(
      `gateway: process ${traced.stack.topicPrefix}orders.v1.events (kind ${SPAN_KIND.consumer})`,
    );
  });

  it(
    outcome === 'declined'
      ? 'marks the card decline as an ERROR span, so the failed checkout stands out'
      : 'has no ERROR span: nothing went wrong',
    () => {
      const errors = traced.traceOf(which).spans.filter((span) => span.status.code === STATUS_CODE.error);
      if (outcome === 'declined') {
        expect(errors.map(describeSpan)).toContain(
          `payments-service: payment-provider charge (kind ${SPAN_KIND.internal})`,
        );
        expect(errors.some((span) => span.attributes['app.payment.outcome'] === 'declined')).toBe(true);
      } else {
        expect(errors.map(describeSpan)).toEqual([]);
      }
    },
  );

  it(`sends the mail in an smtp send span naming the ${template} template, under email-service's consumer span`, () => {
    const { spans } = traced.traceOf(which);
    const sends = spans.filter((span) => span.service === 'email-service' && span.name === 'smtp send');
    expect(sends.map((span) => span.attributes['app.email.template'])).toEqual([template]);
    const parent = spans.find((span) => span.spanId === sends[0]?.parentSpanId);
    expect(parent && describeSpan(parent)).toBe(
      `email-service: process ${traced.stack.topicPrefix}orders.v1.events (kind ${SPAN_KIND.consumer})`,
    );
  });

  it('calls the card network and the mail server in CLIENT spans, under the steps that need them', () => {
    const { spans } = traced.traceOf(which);
    const parentOf = (span: ReceivedSpan | undefined) =>
      spans.find((candidate) => candidate.spanId === span?.parentSpanId);
    const card = spans.filter((span) => span.name === 'card-network charge');
    expect(card.map((span) => [span.service, span.kind, span.attributes['peer.service']])).toEqual([
      ['payments-service', SPAN_KIND.client, 'card-network'],
    ]);
    expect(parentOf(card[0])?.name).toBe('payment-provider charge');
    const mail = spans.filter((span) => span.name === 'mail-server send');
    expect(mail.map((span) => [span.service, span.kind, span.attributes['network.protocol.name']])).toEqual([
      ['email-service', SPAN_KIND.client, 'smtp'],
    ]);
    expect(mail[0]?.attributes['server.address']).toEqual(expect.any(String));
    expect(mail[0]?.attributes['server.port']).toEqual(expect.any(Number));
    expect(parentOf(mail[0])?.name).toBe('smtp send');
  });

  it('names its spans as the semantic conventions do: HTTP and RPC by route and method, messaging by operation and topic', () => {
    const misnamed = traced.traceOf(which).spans.flatMap((span) => {
      const a = span.attributes;
      const rpc = `grpc.${String(a['rpc.service'])}/${String(a['rpc.method'])}`;
      const expected =
        span.kind === SPAN_KIND.producer
          ? `send ${String(a['messaging.destination.name'])}`
          : span.kind === SPAN_KIND.consumer
            ? `process ${String(a['messaging.destination.name'])}`
            : a['rpc.system'] === 'grpc'
              ? rpc
              : span.kind === SPAN_KIND.server
                ? `${String(a['http.request.method'])} ${String(a['http.route'])}`
                : span.kind === SPAN_KIND.client && a['db.system.name'] === 'postgresql'
                  ? span.name.startsWith('pg.query:')
                    ? span.name
                    : 'pg.query:<operation> <database>'
                  : span.kind === SPAN_KIND.client
                    ? // A call outside the shop: `<peer> <operation>`, the peer named by an attribute.
                      a['server.address'] !== undefined || a['peer.service'] !== undefined
                      ? span.name
                      : `${span.name} with server.address or peer.service`
                    : span.name;
      return expected === span.name ? [] : [`${describeSpan(span)}: expected ${expected}`];
    });
    expect(misnamed).toEqual([]);
  });
}
