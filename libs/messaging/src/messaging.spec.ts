import { Kafka } from 'kafkajs';
import { withTransaction } from '@shop/db';
import { createKafka, DLT_HEADERS, headersToStrings, type RunningConsumer } from '@shop/kafka';
import {
  createTestDatabase,
  eventually,
  fastConsumerTimings,
  testBrokers,
  testLogger,
  uniqueTopicPrefix,
  type TestDatabase,
} from '@shop/testing';
import {
  appendToOutbox,
  decodeEnvelope,
  handleOnce,
  messagingMigrations,
  startEventConsumer,
  startOutboxRelay,
  type OutboxRelay,
  type ReceivedEvent,
} from './index';

const logger = testLogger();

const orderCreated = (orderId: string) => ({
  orderId,
  userId: 'u1',
  items: [{ sku: 'sku-1', quantity: 2, unitPriceCents: 1250 }],
  totalCents: 2500,
  currency: 'EUR',
  paymentMethod: 'pm_card_visa',
  customerEmail: 'ada@example.com',
  customerName: 'Ada',
  createdAt: new Date(),
});

describe('outbox, relay and event consumer', () => {
  let db: TestDatabase;
  let kafka: Kafka;
  let relay: OutboxRelay | undefined;
  const consumers: RunningConsumer[] = [];
  const prefix = uniqueTopicPrefix('messaging');
  const topic = `${prefix}orders.v1.events`;

  beforeAll(async () => {
    db = await createTestDatabase('messaging', [
      ...messagingMigrations,
      { name: '0001-effects', up: 'CREATE TABLE effects (order_id text NOT NULL)' },
    ]);
    kafka = createKafka({ brokers: testBrokers(), clientId: 'messaging-spec', logger });
  });

  afterAll(async () => {
    await Promise.all(consumers.map((consumer) => consumer.stop()));
    await relay?.stop();
    await db.drop();
  });

  it('publishes committed events in commit order per aggregate, and consumes each exactly once in effect', async () => {
    const appended: string[] = [];
    for (const orderId of ['o1', 'o2', 'o1', 'o3', 'o1']) {
      await withTransaction(db.pool, async (client) => {
        appended.push(
          await appendToOutbox(client, {
            topic,
            type: 'orders.v1.OrderCreated',
            aggregateId: orderId,
            payload: orderCreated(orderId),
          }),
        );
      });
    }
    // A rolled-back transaction leaves no event behind.
    await withTransaction(db.pool, async (client) => {
      await appendToOutbox(client, {
        topic,
        type: 'orders.v1.OrderCreated',
        aggregateId: 'ghost',
        payload: orderCreated('ghost'),
      });
      throw new Error('rollback');
    }).catch(() => undefined);

    relay = startOutboxRelay({ pool: db.pool, kafka, logger, pollIntervalMs: 50 });
    const received: ReceivedEvent<'orders.v1.OrderCreated'>[] = [];
    consumers.push(
      await startEventConsumer({
        kafka,
        groupId: `${prefix}group`,
        topics: [topic],
        deadLetterTopic: `${prefix}group.dlt`,
        logger,
        ...fastConsumerTimings,
        handlers: {
          'orders.v1.OrderCreated': async (event) => {
            // Delivered twice on purpose: the second delivery must find the event already handled.
            for (let i = 0; i < 2; i++) {
              await handleOnce(db.pool, event, (client) =>
                client
                  .query('INSERT INTO effects (order_id) VALUES ($1)', [event.payload.orderId])
                  .then(() => undefined),
              );
            }
            received.push(event);
          },
        },
      }),
    );

    await eventually(() => expect(received).toHaveLength(5));
    expect(received.map((event) => event.eventId).sort()).toEqual([...appended].sort());
    const o1 = received.filter((event) => event.aggregateId === 'o1').map((event) => event.eventId);
    expect(o1).toEqual(appended.filter((_, i) => [0, 2, 4].includes(i)));
    expect(received[0]?.payload.items[0]).toEqual({ sku: 'sku-1', quantity: 2, unitPriceCents: 1250 });
    const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM effects');
    expect(rows[0]?.n).toBe(5);
    // The relay deletes what it published right after publishing it.
    await eventually(async () => expect(await relay?.backlog()).toEqual({ count: 0, oldestAgeMs: 0 }));
  });

  it('dead-letters a message that is not an event, with the error in its headers, and keeps consuming', async () => {
    const poisonTopic = `${prefix}poison`;
    const deadLetters = `${prefix}poison-group.dlt`;
    const seen: string[] = [];
    consumers.push(
      await startEventConsumer({
        kafka,
        groupId: `${prefix}poison-group`,
        topics: [poisonTopic],
        deadLetterTopic: deadLetters,
        logger,
        ...fastConsumerTimings,
        handlers: {
          'orders.v1.OrderCreated': (event) => {
            seen.push(event.aggregateId);
            return Promise.resolve();
          },
        },
      }),
    );
    const dlq: { value: string; headers: Record<string, string> }[] = [];
    const dltReader = kafka.consumer({
      groupId: `${prefix}dlt-reader`,
      sessionTimeout: 6_000,
      heartbeatInterval: 500,
      maxWaitTimeInMs: 100,
    });
    await dltReader.connect();
    await dltReader.subscribe({ topic: deadLetters, fromBeginning: true });
    await dltReader.run({
      eachMessage: ({ message }) => {
        dlq.push({ value: String(message.value), headers: headersToStrings(message.headers) });
        return Promise.resolve();
      },
    });

    await withTransaction(db.pool, (client) =>
      appendToOutbox(client, {
        topic: poisonTopic,
        type: 'orders.v1.OrderCreated',
        aggregateId: 'p1',
        payload: orderCreated('p1'),
      }),
    );
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: poisonTopic, messages: [{ key: 'p0', value: 'not protobuf at all {' }] });
    await producer.disconnect();
    relay?.wake();
    await withTransaction(db.pool, (client) =>
      appendToOutbox(client, {
        topic: poisonTopic,
        type: 'orders.v1.OrderCreated',
        aggregateId: 'p2',
        payload: orderCreated('p2'),
      }),
    );
    relay?.wake();

    try {
      await eventually(() => expect(dlq).toHaveLength(1));
      await eventually(() => expect(seen.sort()).toEqual(['p1', 'p2']));
      expect(dlq[0]?.value).toBe('not protobuf at all {');
      expect(dlq[0]?.headers[DLT_HEADERS.originalTopic]).toBe(poisonTopic);
      expect(dlq[0]?.headers[DLT_HEADERS.error]).toMatch(/not an event envelope/);
    } finally {
      await dltReader.disconnect();
    }
  });

  it('reads an envelope back into its typed event', () => {
    expect(() => decodeEnvelope({ value: null })).toThrow(/no value/);
  });
});
