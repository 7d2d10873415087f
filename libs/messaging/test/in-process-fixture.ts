import { Pool } from 'pg';
import { runMigrations, withTransaction, type PoolClient } from '@shop/db';
import { createTestDatabase, testLogger, type TestDatabase } from '@shop/testing';
import {
  appendToOutbox,
  handleOnce,
  messagingMigrations,
  startInProcessRelay,
  type InProcessRelay,
  type InProcessRelayOptions,
  type InProcessSubscriber,
} from '../src/index';

export const ORDERS = 'orders.v1.events';
export const USERS = 'users.v1.events';

export const orderCreated = (orderId: string) => ({
  topic: ORDERS,
  type: 'orders.v1.OrderCreated' as const,
  aggregateId: orderId,
  payload: {
    orderId,
    userId: 'u1',
    items: [{ sku: 'sku-1', quantity: 1, unitPriceCents: 100 }],
    totalCents: 100,
    currency: 'EUR',
    paymentMethod: 'pm_card_visa',
    customerEmail: 'ada@example.com',
    customerName: 'Ada',
    createdAt: new Date(),
  },
});

interface Delivered {
  eventId: string;
  type: string;
  aggregateId: string;
}

/** A handler that notes what it was given; what `note` throws, the handler rejects with. */
export const noting =
  (note: (event: Delivered) => unknown) =>
  async (event: Delivered): Promise<void> => {
    await note(event);
  };

/** What node-postgres throws when the database is away: a transient failure. */
export const unavailable = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

// One database, a schema per module: orders and users publish, payments and email subscribe.
const SCHEMAS = ['orders', 'users', 'payments', 'email'] as const;
export type Schema = (typeof SCHEMAS)[number];

/**
 * A database with a schema per module, each module's pool connected with its schema alone on the
 * search_path (as a module's role connects), and in-process relays over the orders and users outboxes,
 * stopped and emptied after each test.
 */
export function inProcessFixture(label: string) {
  let db: TestDatabase | undefined;
  const pools = {} as Record<Schema, Pool>;
  const relays: InProcessRelay[] = [];

  beforeAll(async () => {
    db = await createTestDatabase(label);
    for (const schema of SCHEMAS) {
      await db.pool.query(`CREATE SCHEMA ${schema}`);
      const pool = new Pool({ ...db.connection, options: `-c search_path=${schema}`, max: 4 });
      pool.on('connect', (client) => client.on('error', () => undefined));
      pool.on('error', () => undefined);
      pools[schema] = pool;
      await runMigrations(pool, [
        ...messagingMigrations,
        {
          name: '0001-effects',
          up: 'CREATE TABLE effects (event_id uuid NOT NULL, aggregate text NOT NULL)',
        },
      ]);
    }
  });
  afterEach(async () => {
    await Promise.all(relays.splice(0).map((relay) => relay.stop()));
    for (const schema of SCHEMAS) {
      await pools[schema].query('TRUNCATE outbox, processed_events, dead_letters, effects');
    }
  });
  afterAll(async () => {
    await Promise.all(SCHEMAS.map((schema) => pools[schema].end()));
    await db?.drop();
  });

  return {
    pools,
    /** The database's own pool (public schema), for what no module would do. */
    adminPool: () => {
      if (!db) throw new Error('the database is made in beforeAll');
      return db.pool;
    },
    start: (subscribers: InProcessSubscriber[], options: Partial<InProcessRelayOptions> = {}) => {
      const relay = startInProcessRelay({
        outboxes: [
          { name: 'orders', pool: pools.orders },
          { name: 'users', pool: pools.users },
        ],
        subscribers,
        logger: testLogger(),
        pollIntervalMs: 50,
        initialBackoffMs: 20,
        maxBackoffMs: 100,
        ...options,
      });
      relays.push(relay);
      return relay;
    },
    publish: (schema: Schema, event: Parameters<typeof appendToOutbox>[1]) =>
      withTransaction(pools[schema], (client) => appendToOutbox(client, event)),
    /** A handler's effect, recorded once per event in the subscriber's own schema. */
    effect: (schema: Schema, event: Delivered) =>
      handleOnce(pools[schema], event, (client: PoolClient) =>
        client
          .query('INSERT INTO effects (event_id, aggregate) VALUES ($1, $2)', [
            event.eventId,
            event.aggregateId,
          ])
          .then(() => undefined),
      ),
    count: async (schema: Schema, table: 'outbox' | 'effects' | 'dead_letters') =>
      (await pools[schema].query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]?.n,
    deadLetters: async () =>
      (
        await pools.orders.query<{
          message_key: string;
          subscriber: string;
          error: string;
          error_name: string;
          attempts: number;
        }>(
          `SELECT message_key, subscriber, error, error_name, attempts FROM dead_letters
           ORDER BY message_key, subscriber`,
        )
      ).rows,
  };
}
