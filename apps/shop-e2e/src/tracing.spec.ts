import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SERVICES, startTestStack, type TestStack } from '@shop/stack';
import { eventually, startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '@shop/testing';
import {
  checkout,
  findCheckoutTrace,
  shopClient,
  tracingEnv,
  untilSpansStopArriving,
  type Checkout,
  type ShopClient,
} from '@shop/shop-client';
import { buildTraceTree, SPAN_KIND, STATUS_CODE } from '@shop/trace-tree';
import { untilGatewaysListen } from './gateways-listening';

/**
 * The checkout as a trace: the real apps as processes export OTLP to a receiver in the test, and a
 * checkout (HTTP -> gRPC -> Postgres -> outbox -> Kafka -> ... -> SMTP) must read as one trace with
 * one root, nothing dangling, every hop described by its semantic attributes and the shop's own.
 */
jest.setTimeout(120_000);

const APPS = ['gateway', ...SERVICES] as const;
const HEX32 = /^[0-9a-f]{32}$/;
const DEMO_TRAFFIC = join(__dirname, '../../../deploy/compose/demo-traffic/demo-traffic.mjs');

/** One line per span, for failure messages that say which span broke a rule. */
const describeSpan = (span: ReceivedSpan) => `${span.service}: ${span.name} (kind ${span.kind})`;

describe('the checkout is one trace', () => {
  let receiver: OtlpReceiver;
  let stack: TestStack;
  let shop: ShopClient;
  const placed: Record<'confirmed' | 'cancelled', Checkout> = {} as Record<
    'confirmed' | 'cancelled',
    Checkout
  >;

  const mailArrived = (email: string, orderId: string) =>
    eventually(
      () => stack.smtp.mails.some((mail) => mail.to.includes(email) && mail.raw.includes(orderId)),
      30_000,
    ).then(() => undefined);

  /** The spans of a checkout's trace, found from the spans themselves (not from the response header). */
  const traceOf = (which: 'confirmed' | 'cancelled') => {
    const traceId = findCheckoutTrace(receiver.spans, placed[which]);
    if (!traceId) throw new Error(`no trace holds the ${which} checkout's order ${placed[which].orderId}`);
    return { traceId, spans: receiver.spans.filter((span) => span.traceId === traceId) };
  };

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    stack = await startTestStack({
      label: 'trace',
      // A card network slow enough that the checkout's stream is open before the outcome is pushed.
      env: { ...tracingEnv(receiver.endpoint), CARD_NETWORK_LATENCY_MS: '500' },
    });
    shop = shopClient(stack.gatewayUrl);
    await untilGatewaysListen(stack);
    // One after the other, so that each trace holds one checkout's work only.
    placed.confirmed = await checkout(shop, {
      email: `paid-${stack.run}@example.com`,
      paymentMethod: 'pm_card_visa',
      waitForMail: mailArrived,
    });
    placed.cancelled = await checkout(shop, {
      email: `declined-${stack.run}@example.com`,
      paymentMethod: 'pm_card_chargeDeclined',
      waitForMail: mailArrived,
    });
    await untilSpansStopArriving(receiver.spans);
  }, 300_000);

  afterAll(async () => {
    await stack?.stop();
    await receiver?.stop();
  }, 60_000);

  it('settles the paid order as CONFIRMED and the declined one as CANCELLED', () => {
    expect(placed.confirmed.order.status).toBe('CONFIRMED');
    expect(placed.cancelled.order.status).toBe('CANCELLED');
  });

  describe.each([
    {
      which: 'confirmed' as const,
      outcome: 'succeeded',
      template: 'order-confirmed',
    },
    {
      which: 'cancelled' as const,
      outcome: 'declined',
      template: 'order-cancelled',
    },
  ])('the $which checkout', ({ which, outcome, template }) => {
    it('is answered with its trace id: x-trace-id and a W3C traceresponse naming the same trace', () => {
      const { traceId } = traceOf(which);
      expect(placed[which].traceIdHeader).toBe(traceId);
      expect(placed[which].traceResponseHeader).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-0[01]$`));
    });

    it('has spans from all five apps under one trace id', () => {
      const { traceId, spans } = traceOf(which);
      expect(traceId).toMatch(HEX32);
      expect([...new Set(spans.map((span) => span.service))].sort()).toEqual([...APPS].sort());
    });

    it("has exactly one root, the gateway's POST /v1/orders, and no span whose parent is missing", () => {
      const { roots, orphans } = buildTraceTree(traceOf(which).spans);
      expect(orphans.map((node) => describeSpan(node.span))).toEqual([]);
      expect(roots.map((node) => describeSpan(node.span))).toEqual([
        `gateway: POST /v1/orders (kind ${SPAN_KIND.server})`,
      ]);
    });

    it('crosses Kafka as producer and consumer spans naming kafka and the topic, each consumer a child of its producer', () => {
      const { spans } = traceOf(which);
      const producers = spans.filter((span) => span.kind === SPAN_KIND.producer);
      const consumers = spans.filter((span) => span.kind === SPAN_KIND.consumer);
      const orderEvents = `${stack.topicPrefix}orders.v1.events`;
      const paymentEvents = `${stack.topicPrefix}payments.v1.events`;

      expect(new Set(producers.map((span) => span.attributes['messaging.destination.name']))).toEqual(
        new Set([orderEvents, paymentEvents]),
      );
      expect(
        new Set(
          consumers.map((span) => `${span.service} <- ${span.attributes['messaging.destination.name']}`),
        ),
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
      const { spans } = traceOf(which);
      const queries = spans.filter((span) => span.name.startsWith('pg.query:'));
      expect([...new Set(queries.map((span) => span.service))].sort()).toEqual([...SERVICES].sort());
      for (const span of queries) {
        expect({ span: describeSpan(span), ...span.attributes }).toMatchObject({
          span: describeSpan(span),
          'db.system.name': 'postgresql',
          'db.namespace': stack.databases[span.service as (typeof SERVICES)[number]],
          'db.query.text': expect.stringMatching(/\S/) as string,
        });
      }
    });

    it("publishes from the outbox inside the request's trace: the relay's send span is a child of the CreateOrder span whose transaction wrote the row", () => {
      const { spans } = traceOf(which);
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
        `orders-service: send ${stack.topicPrefix}orders.v1.events (kind ${SPAN_KIND.producer})`,
      ]);
    });

    it('carries the order id on the CreateOrder span and on every consumer span that handled the order, and the customer id on CreateOrder', () => {
      const { spans } = traceOf(which);
      const { orderId, customer } = placed[which];
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
        (span) =>
          span.kind === SPAN_KIND.consumer && spans.some((child) => child.parentSpanId === span.spanId),
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
      const { spans } = traceOf(which);
      const charges = spans.filter(
        (span) => span.service === 'payments-service' && span.name === 'payment-provider charge',
      );
      expect(charges).toHaveLength(1);
      expect(charges[0]?.attributes['app.payment.outcome']).toBe(outcome);
      expect(charges[0]?.attributes['app.order.id']).toBe(placed[which].orderId);
      expect(charges[0]?.status.code).toBe(outcome === 'declined' ? STATUS_CODE.error : STATUS_CODE.unset);
    });

    it("pushes the outcome to the checkout's open stream in a push order status span under the gateway's consumer span", () => {
      const { spans } = traceOf(which);
      const pushes = spans.filter((span) => span.service === 'gateway' && span.name === 'push order status');
      expect(pushes.map((span) => [span.kind, span.attributes['app.order.status']])).toEqual([
        [SPAN_KIND.internal, which === 'confirmed' ? 'CONFIRMED' : 'CANCELLED'],
      ]);
      expect(pushes[0]?.attributes['app.order.id']).toBe(placed[which].orderId);
      const parent = spans.find((span) => span.spanId === pushes[0]?.parentSpanId);
      expect(parent && describeSpan(parent)).toBe(
        `gateway: process ${stack.topicPrefix}orders.v1.events (kind ${SPAN_KIND.consumer})`,
      );
    });

    it(
      outcome === 'declined'
        ? 'marks the card decline as an ERROR span, so the failed checkout stands out'
        : 'has no ERROR span: nothing went wrong',
      () => {
        const errors = traceOf(which).spans.filter((span) => span.status.code === STATUS_CODE.error);
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
      const { spans } = traceOf(which);
      const sends = spans.filter((span) => span.service === 'email-service' && span.name === 'smtp send');
      expect(sends.map((span) => span.attributes['app.email.template'])).toEqual([template]);
      const parent = spans.find((span) => span.spanId === sends[0]?.parentSpanId);
      expect(parent && describeSpan(parent)).toBe(
        `email-service: process ${stack.topicPrefix}orders.v1.events (kind ${SPAN_KIND.consumer})`,
      );
    });

    it('calls the card network and the mail server in CLIENT spans, under the steps that need them', () => {
      const { spans } = traceOf(which);
      const parentOf = (span: ReceivedSpan | undefined) =>
        spans.find((candidate) => candidate.spanId === span?.parentSpanId);
      const card = spans.filter((span) => span.name === 'card-network charge');
      expect(card.map((span) => [span.service, span.kind, span.attributes['peer.service']])).toEqual([
        ['payments-service', SPAN_KIND.client, 'card-network'],
      ]);
      expect(parentOf(card[0])?.name).toBe('payment-provider charge');
      const mail = spans.filter((span) => span.name === 'mail-server send');
      expect(mail.map((span) => [span.service, span.kind, span.attributes['network.protocol.name']])).toEqual(
        [['email-service', SPAN_KIND.client, 'smtp']],
      );
      expect(mail[0]?.attributes['server.address']).toEqual(expect.any(String));
      expect(mail[0]?.attributes['server.port']).toEqual(expect.any(Number));
      expect(parentOf(mail[0])?.name).toBe('smtp send');
    });

    it('names its spans as the semantic conventions do: HTTP and RPC by route and method, messaging by operation and topic', () => {
      const misnamed = traceOf(which).spans.flatMap((span) => {
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

    it('writes log lines that carry its trace_id and the span_id of the span they were written in', async () => {
      const { traceId, spans } = traceOf(which);
      const spanIds = new Set(spans.map((span) => span.spanId));
      const lines = await eventually(() => {
        const found = stack.processes.flatMap((app) =>
          readFileSync(app.logFile, 'utf8')
            .split('\n')
            .filter((line) => line.includes(traceId))
            .map((line) => JSON.parse(line) as { service: string; trace_id: string; span_id: string }),
        );
        // The gateway logs the request; email-service logs the mail it sent.
        expect([...new Set(found.map((line) => line.service))]).toEqual(
          expect.arrayContaining(['gateway', 'email-service']),
        );
        return found;
      }, 10_000);
      for (const line of lines) expect(spanIds.has(line.span_id)).toBe(true);
    });

    it('exports the same log lines over OTLP, with the trace and span ids a log store links to the trace by', async () => {
      const { traceId, spans } = traceOf(which);
      const spanIds = new Set(spans.map((span) => span.spanId));
      const records = await eventually(() => {
        const found = receiver.logs.filter((record) => record.traceId === traceId);
        expect([...new Set(found.map((record) => record.service))]).toEqual(
          expect.arrayContaining(['gateway', 'email-service']),
        );
        return found;
      }, 10_000);
      for (const record of records) {
        expect(spanIds.has(record.spanId)).toBe(true);
        expect(record.severityText).not.toBe('');
        expect(record.body).not.toBe('');
      }
    });
  });

  it('names the trace of a refused request in its error body and headers', async () => {
    const refused = await shop.request<{ code: string; traceId?: string }>('POST', '/v1/orders', {
      token: (await shop.signUp(`refused-${stack.run}@example.com`)).token,
      body: { items: 'many', currency: 'EUR', paymentMethod: 'pm_card_visa' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.traceId).toMatch(HEX32);
    expect(refused.headers.get('x-trace-id')).toBe(refused.body.traceId);
    await eventually(() =>
      expect(
        receiver.spans.find(
          (span) => span.traceId === refused.body.traceId && span.service === 'gateway' && !span.parentSpanId,
        )?.attributes['http.response.status_code'],
      ).toBe(400),
    );
  });

  it('receives metrics from all five apps: HTTP, RPC, database pool, messaging and runtime', async () => {
    const expected: [service: string, metric: string | RegExp][] = [
      ...APPS.map((app): [string, RegExp] => [app, /^(nodejs|v8js)\./]),
      ['gateway', 'http.server.request.duration'],
      ...SERVICES.map((service): [string, string] => [service, 'db.client.connection.count']),
      ['users-service', 'rpc.server.call.duration'],
      ['orders-service', 'rpc.server.call.duration'],
      ['payments-service', 'messaging.process.duration'],
      ['orders-service', 'messaging.process.duration'],
      ['email-service', 'messaging.process.duration'],
    ];
    const missing = () =>
      expected
        .filter(
          ([service, metric]) =>
            !receiver.metrics.some(
              (received) =>
                received.service === service &&
                (typeof metric === 'string' ? received.name === metric : metric.test(received.name)),
            ),
        )
        .map(([service, metric]) => `${service}: ${String(metric)}`);
    await eventually(() => expect(missing()).toEqual([]), 15_000, 250);
  });

  it("makes the demo traffic's checkout one whole trace: the gateway's span is its one root", async () => {
    // The compose demo's shopper, run as compose runs it (node, the script alone), for one checkout.
    const { stdout } = await promisify(execFile)(process.execPath, [DEMO_TRAFFIC], {
      env: {
        ...process.env,
        GATEWAY_URL: stack.gatewayUrl,
        JAEGER_UI_URL: 'http://jaeger.invalid',
        DEMO_CHECKOUTS: '1',
        DEMO_INTERVAL_MS: '0',
      },
      timeout: 60_000,
    });
    const traceId = /trace http:\/\/jaeger\.invalid\/trace\/([0-9a-f]{32})/.exec(stdout)?.[1];
    expect(stdout).toMatch(/checkout 0: order \S+ (CONFIRMED|CANCELLED)/);
    expect(traceId).toMatch(HEX32);

    // Whole once the mail is sent: email-service's spans are the last of a checkout.
    const spans = () => receiver.spans.filter((span) => span.traceId === traceId);
    await eventually(
      () => expect(spans().some((span) => span.service === 'email-service')).toBe(true),
      30_000,
    );
    await untilSpansStopArriving(receiver.spans);
    const tree = buildTraceTree(spans());
    expect(tree.roots.map((root) => describeSpan(root.span))).toEqual([
      `gateway: POST /v1/orders (kind ${SPAN_KIND.server})`,
    ]);
    expect(tree.orphans.map((orphan) => describeSpan(orphan.span))).toEqual([]);
  });

  it('stops every app gracefully on SIGTERM: each process exits 0', async () => {
    const exits = await stack.stop();
    expect(exits).toHaveLength(5);
    expect(exits.filter((exit) => exit.code !== 0)).toEqual([]);
  });
});
