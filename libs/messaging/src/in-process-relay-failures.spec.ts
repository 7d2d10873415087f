import { invalidArgument } from '@shop/errors';
import { eventually } from '@shop/testing';
import type { InProcessSubscriber } from './index';
import { inProcessFixture, noting, orderCreated, ORDERS, unavailable } from '../test/in-process-fixture';

describe('in-process relay failures', () => {
  const { pools, start, publish, effect, count, deadLetters } = inProcessFixture('in_process_failures');

  it('keeps a row another subscriber has not handled, and its redelivery is a no-op where it was handled', async () => {
    const outcomes: string[] = [];
    let emailAway = true;
    const subscribers: InProcessSubscriber[] = [
      {
        name: 'payments',
        topics: [ORDERS],
        handlers: {
          'orders.v1.OrderCreated': async (event) => void outcomes.push(await effect('payments', event)),
        },
      },
      {
        name: 'email',
        topics: [ORDERS],
        handlers: {
          'orders.v1.OrderCreated': async (event) => {
            if (emailAway) throw unavailable();
            await effect('email', event);
          },
        },
      },
    ];
    await publish('orders', orderCreated('o1'));
    const first = start(subscribers);
    await eventually(() => expect(outcomes).toEqual(['handled']));
    // Stopped while email waits for its dependency: the row stays for the next start.
    await first.stop();
    expect((await first.backlog()).orders?.count).toBe(1);

    emailAway = false;
    start(subscribers);
    await eventually(async () => expect(await count('email', 'effects')).toBe(1));
    await eventually(async () => expect(await count('orders', 'outbox')).toBe(0));
    expect(outcomes).toEqual(['handled', 'duplicate']);
    expect(await count('payments', 'effects')).toBe(1);
  });

  it('retries a transient failure past maxAttempts until it succeeds, holding back only its own aggregate', async () => {
    const delivered: string[] = [];
    let failuresLeft = 3;
    // Written before the relay starts, so that one batch holds all three.
    const first = await publish('orders', orderCreated('o1'));
    const other = await publish('orders', orderCreated('o2'));
    const second = await publish('orders', orderCreated('o1'));
    start(
      [
        {
          name: 'email',
          topics: [ORDERS],
          handlers: {
            'orders.v1.OrderCreated': noting((event) => {
              if (event.aggregateId === 'o1' && failuresLeft > 0) {
                failuresLeft--;
                throw unavailable();
              }
              delivered.push(event.eventId);
            }),
          },
        },
      ],
      // A dependency that is away is waited for, however many attempts that takes.
      { maxAttempts: 2 },
    );

    await eventually(() => expect(delivered).toHaveLength(3));
    expect(failuresLeft).toBe(0);
    // o2 did not wait for o1's retries; o1's second event did.
    expect(delivered).toEqual([other, first, second]);
    expect(await deadLetters()).toEqual([]);
  });

  it('dead-letters a permanent failure at once, an unknown one after maxAttempts, and moves on', async () => {
    let boomAttempts = 0;
    const email: string[] = [];
    const payments: string[] = [];
    start(
      [
        {
          name: 'email',
          topics: [ORDERS],
          handlers: {
            'orders.v1.OrderCreated': noting((event) => {
              if (event.aggregateId === 'bad') throw invalidArgument('no such customer');
              if (event.aggregateId === 'boom') {
                boomAttempts++;
                throw new Error('boom');
              }
              email.push(event.aggregateId);
            }),
          },
        },
        {
          name: 'payments',
          topics: [ORDERS],
          handlers: { 'orders.v1.OrderCreated': noting((event) => payments.push(event.aggregateId)) },
        },
      ],
      { maxAttempts: 3 },
    );
    for (const orderId of ['bad', 'boom', 'fine']) await publish('orders', orderCreated(orderId));
    // A row that is not an event envelope at all is dead-lettered for everyone listening to its topic.
    await pools.orders.query(
      `INSERT INTO outbox (event_id, event_type, topic, message_key, envelope)
       VALUES (gen_random_uuid(), 'orders.v1.OrderCreated', $1, 'poison', '\\x00ff'::bytea)`,
      [ORDERS],
    );

    await eventually(async () => expect(await count('orders', 'outbox')).toBe(0));
    expect(email).toEqual(['fine']);
    expect(payments.sort()).toEqual(['bad', 'boom', 'fine']);
    expect(boomAttempts).toBe(3);
    expect(await deadLetters()).toEqual([
      {
        message_key: 'bad',
        subscriber: 'email',
        error: 'no such customer',
        error_name: 'AppError',
        attempts: 1,
      },
      { message_key: 'boom', subscriber: 'email', error: 'boom', error_name: 'Error', attempts: 3 },
      expect.objectContaining({
        message_key: 'poison',
        subscriber: 'email',
        error_name: 'PoisonMessageError',
        attempts: 1,
      }),
      expect.objectContaining({
        message_key: 'poison',
        subscriber: 'payments',
        error_name: 'PoisonMessageError',
        attempts: 1,
      }),
    ]);
  });
});
