import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Producer } from 'kafkajs';
import { encodeEventPayload, eventsV1, ordersV1, type EventMessage } from '@shop/contracts';
import { call } from '@shop/grpc';
import {
  deadLetterTopic,
  DLT_HEADERS,
  startConsumer,
  TOPICS,
  type ConsumedMessage,
  type RunningConsumer,
} from '@shop/kafka';
import { eventually, fastConsumerTimings } from '@shop/testing';
import { asUser, createOrder, orderRequest, startOrdersSuite, USERS, type OrdersSuite } from './support';

type PaymentEventType = 'payments.v1.PaymentSucceeded' | 'payments.v1.PaymentFailed';

describe('orders-service payment outcomes', () => {
  let suite: OrdersSuite;
  let client: ordersV1.OrdersServiceClient;
  let producer: Producer;
  let deadLetters: RunningConsumer;
  const deadLettered: ConsumedMessage[] = [];

  beforeAll(async () => {
    suite = await startOrdersSuite('orders_saga');
    client = suite.service.client;
    producer = suite.kafka.producer();
    await producer.connect();
    deadLetters = await startConsumer({
      kafka: suite.kafka,
      groupId: `${suite.prefix}dlt-listener`,
      topics: [deadLetterTopic(`${suite.prefix}orders-service`).name],
      deadLetterTopic: `${suite.prefix}dlt-listener.dlt`,
      logger: suite.logger,
      ...fastConsumerTimings,
      handle: (message) => {
        deadLettered.push(message);
        return Promise.resolve();
      },
    });
  });

  afterAll(async () => {
    await deadLetters?.stop();
    await producer?.disconnect();
    await suite?.stop();
  });

  const paymentsTopic = () => `${suite.prefix}${TOPICS.paymentEvents.name}`;

  /** Publishes a payment event as the payments service would; the key is the payment id. */
  async function publish<T extends PaymentEventType>(
    type: T,
    payload: EventMessage<T>,
    eventId: string = randomUUID(),
  ): Promise<string> {
    const envelope = eventsV1.Envelope.encode({
      eventId,
      type,
      occurredAt: new Date(),
      aggregateId: payload.paymentId,
      payload: encodeEventPayload(type, payload),
    }).finish();
    await producer.send({
      topic: paymentsTopic(),
      messages: [{ key: payload.paymentId, value: Buffer.from(envelope) }],
    });
    return eventId;
  }

  const succeeded = (order: ordersV1.Order, paymentId = randomUUID()) => ({
    paymentId,
    orderId: order.id,
    amountCents: order.totalCents,
    currency: order.currency,
    succeededAt: new Date(),
  });

  const placeOrder = async (userId: string = USERS.ada.id): Promise<ordersV1.Order> => {
    const { order } = await createOrder(client, orderRequest(userId));
    if (!order) throw new Error('no order in the answer');
    return order;
  };
  const getOrder = async (order: ordersV1.Order) =>
    (await call(client.getOrder.bind(client), { orderId: order.id }, asUser(order.userId))).order;
  const eventsFor = (orderId: string, type: string) =>
    suite.orderEvents.filter((event) => event.aggregateId === orderId && event.type === type);
  const processed = async (eventId: string) => {
    const { rowCount } = await suite.db.pool.query('SELECT 1 FROM processed_events WHERE event_id = $1', [
      eventId,
    ]);
    return rowCount === 1;
  };
  /** Everything the service wrote has been published and had time to arrive. */
  const settled = async () => {
    await eventually(async () => {
      const { rows } = await suite.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox');
      expect(rows[0]?.n).toBe(0);
    });
    await sleep(500);
  };

  it('confirms a PENDING order when its payment succeeds, and announces OrderConfirmed to the customer', async () => {
    const order = await placeOrder();
    const payment = succeeded(order);
    await publish('payments.v1.PaymentSucceeded', payment);

    const confirmed = await eventually(async () => {
      const current = await getOrder(order);
      expect(current?.status).toBe(ordersV1.OrderStatus.ORDER_STATUS_CONFIRMED);
      return current;
    });
    expect(confirmed?.payment).toEqual({
      paymentId: payment.paymentId,
      outcome: ordersV1.PaymentOutcome.PAYMENT_OUTCOME_SUCCEEDED,
      declineCode: '',
    });
    expect(confirmed?.cancellationReason).toBe('');

    const [announced] = await eventually(() => {
      const events = eventsFor(order.id, 'orders.v1.OrderConfirmed');
      expect(events).toHaveLength(1);
      return events;
    });
    expect(announced?.payload).toMatchObject({
      orderId: order.id,
      userId: USERS.ada.id,
      paymentId: payment.paymentId,
      totalCents: order.totalCents,
      currency: order.currency,
      customerEmail: USERS.ada.email,
      customerName: USERS.ada.name,
    });
  });

  it('cancels a PENDING order when its payment fails, says why, and announces OrderCancelled', async () => {
    const order = await placeOrder(USERS.grace.id);
    const paymentId = randomUUID();
    await publish('payments.v1.PaymentFailed', {
      paymentId,
      orderId: order.id,
      amountCents: order.totalCents,
      currency: order.currency,
      declineCode: 'card_declined',
      reason: 'Your card was declined.',
      failedAt: new Date(),
    });

    const cancelled = await eventually(async () => {
      const current = await getOrder(order);
      expect(current?.status).toBe(ordersV1.OrderStatus.ORDER_STATUS_CANCELLED);
      return current;
    });
    expect(cancelled?.cancellationReason).toBe('Payment declined: Your card was declined.');
    expect(cancelled?.payment).toEqual({
      paymentId,
      outcome: ordersV1.PaymentOutcome.PAYMENT_OUTCOME_FAILED,
      declineCode: 'card_declined',
    });

    const [announced] = await eventually(() => {
      const events = eventsFor(order.id, 'orders.v1.OrderCancelled');
      expect(events).toHaveLength(1);
      return events;
    });
    expect(announced?.payload).toMatchObject({
      orderId: order.id,
      userId: USERS.grace.id,
      reason: 'Payment declined: Your card was declined.',
      declineCode: 'card_declined',
      totalCents: order.totalCents,
      customerEmail: USERS.grace.email,
      customerName: USERS.grace.name,
    });
  });

  it('applies a payment event delivered twice once, and ignores a late outcome for a settled order', async () => {
    const order = await placeOrder();
    const payment = succeeded(order);
    const eventId = await publish('payments.v1.PaymentSucceeded', payment);
    await publish('payments.v1.PaymentSucceeded', payment, eventId);
    // Same payment, so same key and partition: handled after the two deliveries above.
    const late = await publish('payments.v1.PaymentFailed', {
      paymentId: payment.paymentId,
      orderId: order.id,
      amountCents: order.totalCents,
      currency: order.currency,
      declineCode: 'card_declined',
      reason: 'Your card was declined.',
      failedAt: new Date(),
    });
    await eventually(() => processed(late));
    await settled();

    const current = await getOrder(order);
    expect(current?.status).toBe(ordersV1.OrderStatus.ORDER_STATUS_CONFIRMED);
    expect(current?.cancellationReason).toBe('');
    expect(eventsFor(order.id, 'orders.v1.OrderConfirmed')).toHaveLength(1);
    expect(eventsFor(order.id, 'orders.v1.OrderCancelled')).toHaveLength(0);
  });

  it('dead-letters a message that is not an event, and still handles the next one on its partition', async () => {
    const order = await placeOrder(USERS.linus.id);
    const payment = succeeded(order);
    await producer.send({
      topic: paymentsTopic(),
      messages: [{ key: payment.paymentId, value: Buffer.from('{"not":"protobuf"}') }],
    });
    await publish('payments.v1.PaymentSucceeded', payment);

    await eventually(async () =>
      expect((await getOrder(order))?.status).toBe(ordersV1.OrderStatus.ORDER_STATUS_CONFIRMED),
    );
    const poison = await eventually(() => {
      const found = deadLettered.find((message) => message.key === payment.paymentId);
      expect(found).toBeDefined();
      return found;
    });
    expect(poison?.value?.toString()).toBe('{"not":"protobuf"}');
    expect(poison?.headers[DLT_HEADERS.originalTopic]).toBe(paymentsTopic());
    expect(poison?.headers[DLT_HEADERS.errorName]).toBe('PoisonMessageError');
  });

  it('dead-letters a payment event for an unknown order after retrying it, without blocking its partition', async () => {
    const order = await placeOrder(USERS.margaret.id);
    const paymentId = randomUUID();
    const unknownOrderId = randomUUID();
    await publish('payments.v1.PaymentSucceeded', {
      ...succeeded(order, paymentId),
      orderId: unknownOrderId,
    });
    await publish('payments.v1.PaymentSucceeded', succeeded(order, paymentId));

    await eventually(async () =>
      expect((await getOrder(order))?.status).toBe(ordersV1.OrderStatus.ORDER_STATUS_CONFIRMED),
    );
    const dead = await eventually(() => {
      const found = deadLettered.find((message) => message.key === paymentId);
      expect(found).toBeDefined();
      return found;
    });
    expect(dead?.headers[DLT_HEADERS.error]).toContain(unknownOrderId);
    expect(Number(dead?.headers[DLT_HEADERS.attempts])).toBeGreaterThan(1);
  });
});
