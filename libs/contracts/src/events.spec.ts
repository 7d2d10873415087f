import {
  decodeEventPayload,
  encodeEventPayload,
  eventRegistry,
  eventsV1,
  eventTypeNames,
  isEventTypeName,
  orderEvents,
  paymentEvents,
  UnknownEventTypeError,
  userEvents,
} from './index';

describe('event envelope', () => {
  it('round-trips an OrderCreated payload through encode and decode', () => {
    const createdAt = new Date('2026-01-02T03:04:05.678Z');
    const order = orderEvents.OrderCreated.fromPartial({
      orderId: 'order-1',
      userId: 'user-1',
      items: [
        { sku: 'SKU-1', quantity: 2, unitPriceCents: 1250 },
        { sku: 'SKU-2', quantity: 1, unitPriceCents: 9_007_199_254 },
      ],
      totalCents: 2500 + 9_007_199_254,
      currency: 'EUR',
      paymentMethod: 'card',
      customerEmail: 'ada@example.com',
      customerName: 'Ada',
      createdAt,
    });

    const envelope = eventsV1.Envelope.fromPartial({
      eventId: 'evt-1',
      type: orderEvents.OrderCreated.$type,
      occurredAt: createdAt,
      aggregateId: order.orderId,
      payload: encodeEventPayload('orders.v1.OrderCreated', order),
    });
    const wire = eventsV1.Envelope.encode(envelope).finish();

    const received = eventsV1.Envelope.decode(wire);
    expect(received.type).toBe('orders.v1.OrderCreated');
    expect(received.eventId).toBe('evt-1');
    expect(received.aggregateId).toBe('order-1');
    expect(received.occurredAt).toEqual(createdAt);

    const payload = decodeEventPayload('orders.v1.OrderCreated', received.payload);
    expect(payload).toEqual(order);
    expect(payload.items[1]?.unitPriceCents).toBe(9_007_199_254);
    // Decoding by the runtime string from the envelope gives the same message.
    expect(decodeEventPayload(received.type, received.payload)).toEqual(order);
  });
});

describe('event registry', () => {
  const expected = [
    'users.v1.UserRegistered',
    'orders.v1.OrderCreated',
    'orders.v1.OrderConfirmed',
    'orders.v1.OrderCancelled',
    'payments.v1.PaymentSucceeded',
    'payments.v1.PaymentFailed',
  ];

  it('knows every event type under its fully-qualified name', () => {
    expect([...eventTypeNames].sort()).toEqual([...expected].sort());
    expect(Object.keys(eventRegistry).sort()).toEqual([...expected].sort());
    expect(eventRegistry['users.v1.UserRegistered']).toBe(userEvents.UserRegistered);
    expect(eventRegistry['orders.v1.OrderCreated']).toBe(orderEvents.OrderCreated);
    expect(eventRegistry['orders.v1.OrderConfirmed']).toBe(orderEvents.OrderConfirmed);
    expect(eventRegistry['orders.v1.OrderCancelled']).toBe(orderEvents.OrderCancelled);
    expect(eventRegistry['payments.v1.PaymentSucceeded']).toBe(paymentEvents.PaymentSucceeded);
    expect(eventRegistry['payments.v1.PaymentFailed']).toBe(paymentEvents.PaymentFailed);
  });

  it.each(expected)('encodes and decodes %s', (type) => {
    if (!isEventTypeName(type)) throw new Error(`not an event type: ${type}`);
    const empty = decodeEventPayload(type, new Uint8Array());
    const bytes = encodeEventPayload(type, empty);
    expect(Buffer.isBuffer(bytes)).toBe(true);
    expect(bytes).toHaveLength(0);
    expect(decodeEventPayload(type, bytes)).toEqual(empty);
  });

  it('rejects an unknown type with a readable error', () => {
    expect(isEventTypeName('orders.v1.OrderShipped')).toBe(false);
    expect(isEventTypeName('toString')).toBe(false);
    expect(() => decodeEventPayload('orders.v1.OrderShipped', new Uint8Array())).toThrow(
      UnknownEventTypeError,
    );
    expect(() => decodeEventPayload('orders.v1.OrderShipped', new Uint8Array())).toThrow(
      /^Unknown event type "orders\.v1\.OrderShipped"; known types: .*orders\.v1\.OrderCreated/,
    );
  });

  it('names the type when the payload bytes do not decode', () => {
    expect(() => decodeEventPayload('orders.v1.OrderCreated', new Uint8Array([0x0a, 0x05, 0x61]))).toThrow(
      /^Cannot decode payload of event type "orders\.v1\.OrderCreated": /,
    );
  });
});
