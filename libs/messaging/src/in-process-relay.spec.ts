import { eventually } from '@shop/testing';
import { createPostgresUnitOfWork, type InProcessSubscriber } from './index';
import { inProcessFixture, noting, orderCreated, ORDERS, USERS } from '../test/in-process-fixture';

describe('in-process relay', () => {
  const { pools, adminPool, start, publish, count } = inProcessFixture('in_process_relay');

  it('hands each event to every subscriber of its topic, each aggregate in commit order, from every outbox', async () => {
    const appended: [string, string][] = [];
    for (const orderId of ['o1', 'o2', 'o1', 'o3', 'o1']) {
      appended.push([orderId, await publish('orders', orderCreated(orderId))]);
    }
    const userEvent = await publish('users', {
      topic: USERS,
      type: 'users.v1.UserRegistered',
      aggregateId: 'u1',
      payload: { userId: 'u1', email: 'ada@example.com', name: 'Ada', registeredAt: new Date() },
    });
    const seen: Record<string, string[]> = { payments: [], email: [] };
    const relay = start([
      {
        name: 'payments',
        topics: [ORDERS],
        handlers: { 'orders.v1.OrderCreated': noting((event) => seen.payments?.push(event.eventId)) },
      },
      {
        name: 'email',
        topics: [ORDERS, USERS],
        handlers: {
          'orders.v1.OrderCreated': noting((event) => seen.email?.push(event.eventId)),
          'users.v1.UserRegistered': noting((event) => seen.email?.push(event.eventId)),
        },
      },
    ]);

    await eventually(() => expect(seen.email).toHaveLength(6));
    await eventually(() => expect(seen.payments).toHaveLength(5));
    expect([...(seen.payments ?? [])].sort()).toEqual(appended.map(([, id]) => id).sort());
    expect([...(seen.email ?? [])].sort()).toEqual([...appended.map(([, id]) => id), userEvent].sort());
    const o1 = appended.filter(([orderId]) => orderId === 'o1').map(([, id]) => id);
    expect(seen.payments?.filter((id) => o1.includes(id))).toEqual(o1);
    expect(seen.email?.filter((id) => o1.includes(id))).toEqual(o1);
    await eventually(async () =>
      expect(await relay.backlog()).toEqual({
        orders: { count: 0, oldestAgeMs: 0 },
        users: { count: 0, oldestAgeMs: 0 },
      }),
    );
  });

  it('delivers at once when woken after a commit, and otherwise on its next poll', async () => {
    const pollIntervalMs = 1_500;
    const arrivals = new Map<string, number>();
    const relay = start(
      [
        {
          name: 'email',
          topics: [ORDERS],
          handlers: {
            'orders.v1.OrderCreated': noting((event) => arrivals.set(event.aggregateId, Date.now())),
          },
        },
      ],
      { pollIntervalMs },
    );
    const unitOfWork = createPostgresUnitOfWork({
      pool: pools.orders,
      repositories: () => ({}),
      eventsWritten: () => relay.wake('orders'),
    });
    // Let the relay find the outbox empty and go idle.
    await new Promise((resolve) => setTimeout(resolve, 300));

    let committed = Date.now();
    await unitOfWork.run(({ publish: send }) => Promise.resolve(send(orderCreated('woken'))));
    await eventually(() => expect(arrivals.has('woken')).toBe(true), 5_000, 5);
    const wokenMs = (arrivals.get('woken') ?? 0) - committed;

    committed = Date.now();
    await publish('orders', orderCreated('polled'));
    await eventually(() => expect(arrivals.has('polled')).toBe(true), 5_000, 5);
    const polledMs = (arrivals.get('polled') ?? 0) - committed;

    expect(wokenMs).toBeLessThan(250);
    // The relay had just drained the outbox and idles a poll interval before it looks again.
    expect(polledMs).toBeGreaterThan(pollIntervalMs / 2);
    expect(polledMs).toBeLessThan(pollIntervalMs * 3);
  });

  it('finishes the delivery in hand when stopped and leaves the rest in the outbox', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const started: string[] = [];
    const finished: string[] = [];
    const relay = start([
      {
        name: 'email',
        topics: [ORDERS],
        handlers: {
          'orders.v1.OrderCreated': async (event) => {
            started.push(event.eventId);
            await gate;
            finished.push(event.eventId);
          },
        },
      },
    ]);
    const first = await publish('orders', orderCreated('o1'));
    await publish('orders', orderCreated('o1'));
    await eventually(() => expect(started).toEqual([first]));

    let stopped = false;
    const stopping = relay.stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(finished).toEqual([first]);
    expect(started).toEqual([first]);
    const { rows } = await pools.orders.query<{ event_id: string }>('SELECT event_id FROM outbox');
    expect(rows.map((row) => row.event_id)).not.toContain(first);
    expect(rows).toHaveLength(1);
  });

  it('rides out a lost database connection, and two relays never deliver one event twice', async () => {
    const seen: string[] = [];
    const subscribers: InProcessSubscriber[] = [
      {
        name: 'email',
        topics: [ORDERS],
        handlers: { 'orders.v1.OrderCreated': noting((event) => seen.push(event.eventId)) },
      },
    ];
    start(subscribers);
    start(subscribers);
    const appended = [await publish('orders', orderCreated('o1'))];
    await eventually(() => expect(seen).toEqual(appended));
    // Deleted, so that no delivery is in hand when the connection goes (it would be redelivered).
    await eventually(async () => expect(await count('orders', 'outbox')).toBe(0));

    // The connections holding the outbox locks are cut, as a database restart would cut them.
    await adminPool().query(
      `SELECT pg_terminate_backend(pid) FROM pg_locks
       WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    for (let i = 0; i < 20; i++) appended.push(await publish('orders', orderCreated('o1')));
    await eventually(() => expect(seen).toHaveLength(appended.length));
    expect(seen).toEqual(appended);
  });
});
