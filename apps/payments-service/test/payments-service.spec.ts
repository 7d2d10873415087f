import { randomUUID } from 'node:crypto';
import { Metadata } from '@grpc/grpc-js';
import type { Admin, Consumer, Producer } from 'kafkajs';
import { bearerMetadata } from '@shop/access-token';
import { encodeEventPayload, eventsV1, paymentsV1, type EventMessage } from '@shop/contracts';
import { loadConfig } from '@shop/config';
import { call, createClient, waitUntilServing } from '@shop/grpc';
import {
  createKafka,
  deadLetterTopic,
  DLT_HEADERS,
  headersToStrings,
  type RunningConsumer,
} from '@shop/kafka';
import { startEventConsumer, type ReceivedEvent } from '@shop/messaging';
import { migrations } from '@shop/payments-module';
import {
  createTestDatabase,
  eventually,
  fastConsumerTimings,
  testBrokers,
  testLogger,
  uniqueTopicPrefix,
  type TestDatabase,
  testKafkaEnv,
  testServiceEnv,
  testCertificates,
  type TestCertificates,
  failure,
  testAccessTokens,
} from '@shop/testing';
import { createPaymentsService } from '../src/app';
import { paymentsConfigSchema } from '../src/config';

type OrderCreated = EventMessage<'orders.v1.OrderCreated'>;
type PaymentEvent =
  ReceivedEvent<'payments.v1.PaymentSucceeded'> | ReceivedEvent<'payments.v1.PaymentFailed'>;

describe('payments-service', () => {
  const logger = testLogger('payments-service');
  const prefix = uniqueTopicPrefix('payments');
  const ordersTopic = `${prefix}orders.v1.events`;
  const paymentsTopic = `${prefix}payments.v1.events`;
  const serviceGroup = `${prefix}payments-service`;
  const listenerGroup = `${prefix}payments-listener`;
  const deadLetters = deadLetterTopic(serviceGroup).name;
  const deadLetterReaderGroup = `${prefix}dead-letter-reader`;
  const kafka = createKafka({ brokers: testBrokers(), clientId: 'payments-spec', logger });
  const tokens = testAccessTokens();
  let db: TestDatabase;
  let service: ReturnType<typeof createPaymentsService>;
  let client: paymentsV1.PaymentsServiceClient;
  let port: number;
  let certificates: TestCertificates;
  let producer: Producer;
  let admin: Admin;
  let listener: RunningConsumer;
  let deadLetterReader: Consumer;
  const announced: PaymentEvent[] = [];
  const deadLettered: { key: string; value: string; headers: Record<string, string> }[] = [];

  beforeAll(async () => {
    certificates = await testCertificates();
    db = await createTestDatabase('payments', migrations);
    const config = loadConfig(paymentsConfigSchema, {
      ...testServiceEnv(db),
      // Served over mutual TLS as deployed; the suite calls as the gateway, whom the caller table lets in.
      GRPC_TLS_DIR: certificates.tlsDir('payments-service'),
      ...testKafkaEnv(prefix),
      CARD_NETWORK_LATENCY_MS: '0',
      CARD_NETWORK_JITTER_MS: '0',
      JWT_PUBLIC_KEY: tokens.publicKeyPem,
    });
    producer = kafka.producer();
    admin = kafka.admin();
    await Promise.all([producer.connect(), admin.connect()]);
    listener = await startEventConsumer({
      kafka,
      groupId: listenerGroup,
      topics: [paymentsTopic],
      deadLetterTopic: `${listenerGroup}.dlt`,
      logger,
      ...fastConsumerTimings,
      handlers: {
        'payments.v1.PaymentSucceeded': (event) => Promise.resolve(void announced.push(event)),
        'payments.v1.PaymentFailed': (event) => Promise.resolve(void announced.push(event)),
      },
    });
    deadLetterReader = kafka.consumer({
      groupId: deadLetterReaderGroup,
      sessionTimeout: fastConsumerTimings.sessionTimeoutMs,
      heartbeatInterval: fastConsumerTimings.heartbeatIntervalMs,
      maxWaitTimeInMs: fastConsumerTimings.maxWaitTimeInMs,
    });
    await deadLetterReader.connect();
    await deadLetterReader.subscribe({ topic: deadLetters, fromBeginning: true });
    await deadLetterReader.run({
      eachMessage: ({ message }) => {
        deadLettered.push({
          key: String(message.key),
          value: String(message.value),
          headers: headersToStrings(message.headers),
        });
        return Promise.resolve();
      },
    });
    service = createPaymentsService({ config, pool: db.pool, kafka, logger });
    port = await service.start();
    client = createClient(paymentsV1.PaymentsServiceClient, `127.0.0.1:${port}`, {
      deadlineMs: 5_000,
      ...certificates.clientSecurity('gateway', 'payments-service'),
    });
  });

  afterAll(async () => {
    client.close();
    await service.stop();
    await listener.stop();
    await deadLetterReader.disconnect();
    await Promise.all([producer.disconnect(), admin.disconnect()]);
    await db.drop();
  });

  const anOrder = (paymentMethod: string, overrides: Partial<OrderCreated> = {}): OrderCreated => ({
    orderId: randomUUID(),
    userId: randomUUID(),
    items: [{ sku: 'sku-1', quantity: 2, unitPriceCents: 1250 }],
    totalCents: 2500,
    currency: 'EUR',
    paymentMethod,
    customerEmail: 'ada@example.com',
    customerName: 'Ada Lovelace',
    createdAt: new Date(),
    ...overrides,
  });

  /** Publishes an OrderCreated as the orders service's relay would: an envelope keyed by the order id. */
  const publishOrderCreated = async (order: OrderCreated, eventId: string = randomUUID()) => {
    const envelope = eventsV1.Envelope.encode({
      eventId,
      type: 'orders.v1.OrderCreated',
      occurredAt: new Date(),
      aggregateId: order.orderId,
      payload: encodeEventPayload('orders.v1.OrderCreated', order),
    }).finish();
    await producer.send({
      topic: ordersTopic,
      messages: [{ key: order.orderId, value: Buffer.from(envelope) }],
    });
  };

  /** Waits until a consumer group has committed everything on a topic: all of it was handled. */
  const caughtUp = (groupId: string, topic: string) =>
    eventually(async () => {
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      for (const end of ends) {
        const offset = committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
        expect(Math.max(Number(offset), 0)).toBeGreaterThanOrEqual(Number(end.high));
      }
    });

  /** Waits until every OrderCreated so far is handled, and what it caused has reached the readers. */
  const settled = async () => {
    await caughtUp(serviceGroup, ordersTopic);
    await caughtUp(deadLetterReaderGroup, deadLetters);
    await eventually(async () => {
      const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox');
      expect(rows[0]?.n).toBe(0);
    });
    await caughtUp(listenerGroup, paymentsTopic);
  };

  const announcedFor = (orderId: string) => announced.filter((event) => event.payload.orderId === orderId);

  const paymentRows = async (orderId: string) =>
    (
      await db.pool.query<{
        id: string;
        status: string;
        amount_cents: string;
        decline_code: string | null;
        decline_message: string | null;
        provider_reference: string | null;
      }>(
        `SELECT id, status, amount_cents, decline_code, decline_message, provider_reference
         FROM payments WHERE order_id = $1`,
        [orderId],
      )
    ).rows;

  /** GetPayment as `userId` asks it (by default someone without orders), with their access token. */
  const getPayment = (lookup: paymentsV1.GetPaymentRequest['lookup'], userId: string = randomUUID()) =>
    call(client.getPayment.bind(client), { lookup }, { metadata: bearerMetadata(tokens.sign(userId)) });

  it('charges an order paid with a good card, records SUCCEEDED and announces PaymentSucceeded', async () => {
    const order = anOrder('pm_card_visa');
    await publishOrderCreated(order);

    const [event] = await eventually(() => {
      const events = announcedFor(order.orderId);
      expect(events).toHaveLength(1);
      return events;
    });
    expect(event?.type).toBe('payments.v1.PaymentSucceeded');
    expect(event?.payload).toMatchObject({ orderId: order.orderId, amountCents: 2500, currency: 'EUR' });
    expect(event?.aggregateId).toBe(event?.payload.paymentId);
    const rows = await paymentRows(order.orderId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: event?.payload.paymentId,
      status: 'SUCCEEDED',
      amount_cents: '2500',
      decline_code: null,
      decline_message: null,
    });
    expect(rows[0]?.provider_reference).toMatch(/^ch_/);
  });

  it.each([
    ['a declined card', 'pm_card_chargeDeclined', 'card_declined', 'Your card was declined.'],
    [
      'a card without funds',
      'pm_card_chargeDeclinedInsufficientFunds',
      'insufficient_funds',
      'Your card has insufficient funds.',
    ],
    [
      'an unknown payment method',
      'pm_card_madeUp',
      'invalid_payment_method',
      'The payment method is not valid.',
    ],
  ])(
    'records FAILED for %s and announces PaymentFailed with its decline code',
    async (_label, paymentMethod, declineCode, reason) => {
      const order = anOrder(paymentMethod, { totalCents: 999, currency: 'USD' });
      await publishOrderCreated(order);

      const [event] = await eventually(() => {
        const events = announcedFor(order.orderId);
        expect(events).toHaveLength(1);
        return events;
      });
      expect(event?.type).toBe('payments.v1.PaymentFailed');
      expect(event?.payload).toMatchObject({
        orderId: order.orderId,
        amountCents: 999,
        currency: 'USD',
        declineCode,
        reason,
      });
      expect(await paymentRows(order.orderId)).toEqual([
        {
          id: event?.payload.paymentId,
          status: 'FAILED',
          amount_cents: '999',
          decline_code: declineCode,
          decline_message: reason,
          provider_reference: null,
        },
      ]);
    },
  );

  it('charges an order once and announces it once, however often and by whichever event it is asked to', async () => {
    const order = anOrder('pm_card_visa');
    const eventId = randomUUID();
    await publishOrderCreated(order, eventId);
    await publishOrderCreated(order, eventId);
    await publishOrderCreated(order);
    const declinedAfterwards = { ...order, paymentMethod: 'pm_card_chargeDeclined' };
    await publishOrderCreated(declinedAfterwards);

    await settled();
    expect(await paymentRows(order.orderId)).toEqual([expect.objectContaining({ status: 'SUCCEEDED' })]);
    expect(announcedFor(order.orderId).map((event) => event.type)).toEqual(['payments.v1.PaymentSucceeded']);
    expect(deadLettered.filter((message) => message.key === order.orderId)).toEqual([]);
  });

  it('gets a payment by its id and by its order id', async () => {
    const order = anOrder('pm_card_chargeDeclinedInsufficientFunds');
    await publishOrderCreated(order);
    const [event] = await eventually(() => {
      const events = announcedFor(order.orderId);
      expect(events).toHaveLength(1);
      return events;
    });
    const paymentId = event?.payload.paymentId ?? '';

    const byOrder = await getPayment({ $case: 'orderId', orderId: order.orderId }, order.userId);
    const byId = await getPayment({ $case: 'paymentId', paymentId }, order.userId);
    expect(byOrder).toEqual(byId);
    expect(byId.payment?.createdAt).toBeInstanceOf(Date);
    expect(byId.payment).toMatchObject({
      id: paymentId,
      orderId: order.orderId,
      amountCents: 2500,
      currency: 'EUR',
      status: paymentsV1.PaymentStatus.PAYMENT_STATUS_FAILED,
      declineCode: 'insufficient_funds',
      paymentMethod: 'pm_card_chargeDeclinedInsufficientFunds',
    });
  });

  it("answers another user's payment exactly like an unknown one: NOT_FOUND", async () => {
    const order = anOrder('pm_card_visa');
    await publishOrderCreated(order);
    const [event] = await eventually(() => {
      const events = announcedFor(order.orderId);
      expect(events).toHaveLength(1);
      return events;
    });
    const paymentId = event?.payload.paymentId ?? '';
    const someoneElse = randomUUID();

    const byId = await failure(getPayment({ $case: 'paymentId', paymentId }, someoneElse));
    const byOrder = await failure(getPayment({ $case: 'orderId', orderId: order.orderId }, someoneElse));
    const unknownId = randomUUID();
    const unknown = await failure(getPayment({ $case: 'paymentId', paymentId: unknownId }, order.userId));
    expect([byId.code, byOrder.code]).toEqual(['NOT_FOUND', 'NOT_FOUND']);
    expect(byId.message.replace(paymentId, '<id>')).toBe(unknown.message.replace(unknownId, '<id>'));
    expect((await getPayment({ $case: 'paymentId', paymentId }, order.userId)).payment?.id).toBe(paymentId);
  });

  it.each([
    ['no token', () => undefined],
    ['a token signed by another key', (userId: string) => tokens.forged(userId)],
    ['an expired token', (userId: string) => tokens.expired(userId)],
    ['a token for another audience', (userId: string) => tokens.wrongAudience(userId)],
  ])('refuses GetPayment with %s as UNAUTHENTICATED', async (_label, tokenFor) => {
    const order = anOrder('pm_card_visa');
    await publishOrderCreated(order);
    await eventually(() => expect(announcedFor(order.orderId)).toHaveLength(1));
    const token = tokenFor(order.userId);
    const error = await failure(
      call(
        client.getPayment.bind(client),
        { lookup: { $case: 'orderId', orderId: order.orderId } },
        { metadata: token === undefined ? new Metadata() : bearerMetadata(token) },
      ),
    );
    expect(error.code).toBe('UNAUTHENTICATED');
  });

  it('answers NOT_FOUND for a payment or an order it does not know', async () => {
    const unknown = randomUUID();
    expect((await failure(getPayment({ $case: 'paymentId', paymentId: unknown }))).code).toBe('NOT_FOUND');
    expect((await failure(getPayment({ $case: 'orderId', orderId: unknown }))).code).toBe('NOT_FOUND');
  });

  it.each([
    ['a malformed payment id', { $case: 'paymentId', paymentId: 'nope' } as const, 'payment_id'],
    ['a malformed order id', { $case: 'orderId', orderId: "1' OR '1'='1" } as const, 'order_id'],
    ['no key at all', undefined, 'lookup'],
  ])('answers INVALID_ARGUMENT naming the field for %s', async (_label, lookup, field) => {
    const error = await failure(getPayment(lookup));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.details.map((detail) => detail.field)).toEqual([field]);
  });

  it('dead-letters a message that is not an event and an order that cannot be charged, and goes on charging', async () => {
    const next = anOrder('pm_card_visa');
    // Same key, so the same partition: the poison comes first and must not block what follows.
    await producer.send({ topic: ordersTopic, messages: [{ key: next.orderId, value: 'not protobuf {' }] });
    const unchargeable = anOrder('pm_card_visa', { orderId: 'order-42', totalCents: 0 });
    await publishOrderCreated(unchargeable);
    await publishOrderCreated(next);

    await eventually(() => expect(announcedFor(next.orderId)).toHaveLength(1));
    await eventually(() => expect(deadLettered).toHaveLength(2));
    const poison = deadLettered.find((message) => message.key === next.orderId);
    expect(poison?.value).toBe('not protobuf {');
    expect(poison?.headers[DLT_HEADERS.originalTopic]).toBe(ordersTopic);
    expect(poison?.headers[DLT_HEADERS.error]).toMatch(/not an event envelope/);
    const refused = deadLettered.find((message) => message.key === 'order-42');
    expect(refused?.headers[DLT_HEADERS.error]).toBe('The order cannot be charged');
    expect(refused?.headers[DLT_HEADERS.attempts]).toBe('1');
    const { rows } = await db.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM payments WHERE amount_cents = 0',
    );
    expect(rows[0]?.n).toBe(0);
  });

  it('reports SERVING over the gRPC health checking protocol', async () => {
    const asGateway = certificates.clientSecurity('gateway', 'payments-service');
    await expect(waitUntilServing(`127.0.0.1:${port}`, 2_000, '', asGateway)).resolves.toBeUndefined();
  });
});
