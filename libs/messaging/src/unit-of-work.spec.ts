import type { PoolClient } from '@shop/db';
import { createTestDatabase, type TestDatabase } from '@shop/testing';
import { createPostgresUnitOfWork, decodeEnvelope, messagingMigrations, type Transaction } from './index';
import { orderCreated } from '../test/in-process-fixture';

/** A repository as a service would bind one to the transaction's connection. */
const widgets = (client: PoolClient) => ({
  add: (id: string) => client.query('INSERT INTO widgets (id) VALUES ($1)', [id]).then(() => undefined),
});

describe('the Postgres unit of work', () => {
  let db: TestDatabase;
  let wakes = 0;
  const unitOfWork = () =>
    createPostgresUnitOfWork({
      pool: db.pool,
      repositories: (client) => ({ widgets: widgets(client) }),
      eventsWritten: () => void wakes++,
    });

  beforeAll(async () => {
    db = await createTestDatabase('unit_of_work', [
      ...messagingMigrations,
      { name: '0001-widgets', up: 'CREATE TABLE widgets (id text PRIMARY KEY)' },
    ]);
  });
  afterAll(async () => {
    await db.drop();
  });
  beforeEach(async () => {
    wakes = 0;
    await db.pool.query('TRUNCATE widgets, outbox, processed_events');
  });

  const state = async () => {
    const rows = await db.pool.query<{ id: string }>('SELECT id FROM widgets ORDER BY id');
    const outbox = await db.pool.query<{ topic: string; message_key: string; envelope: Buffer }>(
      'SELECT topic, message_key, envelope FROM outbox ORDER BY id',
    );
    return {
      widgets: rows.rows.map((row) => row.id),
      events: outbox.rows.map((row) => {
        const event = decodeEnvelope({ value: row.envelope });
        return [row.topic, row.message_key, event.type, event.aggregateId];
      }),
    };
  };

  it('commits the change and its events together, in the order published, then wakes the relay', async () => {
    const result = await unitOfWork().run(async ({ repositories, publish }) => {
      await repositories.widgets.add('w1');
      publish(orderCreated('o1'));
      publish(orderCreated('o2'));
      return 'done';
    });
    expect(result).toBe('done');
    expect(await state()).toEqual({
      widgets: ['w1'],
      events: [
        ['orders.v1.events', 'o1', 'orders.v1.OrderCreated', 'o1'],
        ['orders.v1.events', 'o2', 'orders.v1.OrderCreated', 'o2'],
      ],
    });
    expect(wakes).toBe(1);
  });

  it('rolls back the change and its events when the work throws, and wakes nobody', async () => {
    await expect(
      unitOfWork().run(async ({ repositories, publish }) => {
        await repositories.widgets.add('w1');
        publish(orderCreated('o1'));
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await state()).toEqual({ widgets: [], events: [] });
    expect(wakes).toBe(0);
  });

  it('does not wake the relay for work that published nothing', async () => {
    await unitOfWork().run(({ repositories }) => repositories.widgets.add('w1'));
    expect(wakes).toBe(0);
  });

  it('runs the work of one delivery once, however often it is delivered', async () => {
    const uow = unitOfWork();
    const delivery = { eventId: '0f8fad5b-d9cb-469f-a165-70867728950e', type: 'orders.v1.OrderCreated' };
    const work = async ({ repositories, publish }: Transaction<{ widgets: ReturnType<typeof widgets> }>) => {
      await repositories.widgets.add('w1');
      publish(orderCreated('o1'));
    };
    expect(await uow.runOnce(delivery, work)).toBe('handled');
    expect(await uow.runOnce(delivery, work)).toBe('duplicate');
    expect((await state()).widgets).toEqual(['w1']);
    expect((await state()).events).toHaveLength(1);
  });

  it('forgets a delivery whose work failed, so its redelivery runs it', async () => {
    const uow = unitOfWork();
    const delivery = { eventId: '7c9e6679-7425-40de-944b-e07fc1f90ae7', type: 'orders.v1.OrderCreated' };
    await expect(uow.runOnce(delivery, () => Promise.reject(new Error('database away')))).rejects.toThrow(
      'database away',
    );
    expect(await uow.runOnce(delivery, ({ repositories }) => repositories.widgets.add('w2'))).toBe('handled');
    expect((await state()).widgets).toEqual(['w2']);
  });

  it('refuses an event published after its work finished, which would miss the transaction', async () => {
    let late: Transaction<unknown>['publish'] | undefined;
    await unitOfWork().run(({ publish }) => {
      late = publish;
      return Promise.resolve();
    });
    expect(() => late?.(orderCreated('o1'))).toThrow(/after its unit of work had finished/);
  });
});
