import { Kafka, logLevel, type Consumer, type IHeaders } from 'kafkajs';
import { startMockBroker, type MockBroker } from './index';

// The first run on a machine builds librdkafka (about a minute) inside beforeAll.
const buildTimeoutMs = 240_000;

// Short group timings: the mock makes a rebalance wait sessionTimeout - 1 s and an empty fetch
// wait the full maxWaitTimeInMs, so the kafkajs defaults (30 s, 5 s) would make tests crawl.
const consumerTimings = { sessionTimeout: 6_000, heartbeatInterval: 500, maxWaitTimeInMs: 100 };

function kafkaFor(broker: MockBroker, clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers: broker.bootstrapServers.split(','),
    logLevel: logLevel.NOTHING,
    retry: { retries: 3, initialRetryTime: 100 },
  });
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  return Buffer.isBuffer(value) ? value.toString() : undefined;
}

describe('mock Kafka broker', () => {
  let broker: MockBroker;

  beforeAll(async () => {
    broker = await startMockBroker({
      topics: [
        { name: 'orders', partitions: 3 },
        { name: 'payments', partitions: 6 },
        { name: 'roundtrip', partitions: 1 },
        { name: 'outage', partitions: 1 },
        { name: 'wakeup', partitions: 1 },
      ],
      // A lone consumer's group forms at once instead of waiting 3 s for more members.
      initialRebalanceDelayMs: 0,
    });
  }, buildTimeoutMs);

  afterAll(async () => {
    await broker?.stop();
  });

  it('creates topics with the requested partition counts', async () => {
    const admin = kafkaFor(broker, 'metadata-test').admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: ['orders', 'payments'] });
      const counts = Object.fromEntries(topics.map((topic) => [topic.name, topic.partitions.length]));
      expect(counts).toEqual({ orders: 3, payments: 6 });
    } finally {
      await admin.disconnect();
    }
  });

  it('gives back a keyed message with its headers, value and key intact', async () => {
    const kafka = kafkaFor(broker, 'roundtrip-test');
    // Idempotent: InitProducerId goes to the controller, which must be a real broker id.
    const producer = kafka.producer({ idempotent: true });
    const consumer = kafka.consumer({ groupId: 'roundtrip', ...consumerTimings });
    try {
      await producer.connect();
      await producer.send({
        topic: 'roundtrip',
        messages: [{ key: 'order-42', value: '{"total":1250}', headers: { traceparent: '00-abc-def-01' } }],
      });

      await consumer.connect();
      await consumer.subscribe({ topic: 'roundtrip', fromBeginning: true });
      const received = new Promise<{ key?: string; value?: string; traceparent?: string }>((resolve) => {
        void consumer.run({
          eachMessage: ({ message }) => {
            resolve({
              key: message.key?.toString(),
              value: message.value?.toString(),
              traceparent: headerText(message.headers, 'traceparent'),
            });
            return Promise.resolve();
          },
        });
      });

      await expect(received).resolves.toEqual({
        key: 'order-42',
        value: '{"total":1250}',
        traceparent: '00-abc-def-01',
      });
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
    }
  }, 30_000);

  it('answers a waiting fetch as soon as a message is produced to its partition, as Kafka does', async () => {
    // The consumer asks to wait up to 10 s for data. Unpatched, the mock would hold the empty answer for
    // all of it (see native/librdkafka-fetch-wakeup.patch); Kafka answers once the message is there.
    // kafkajs heartbeats between fetches, so the session outlasts the wait.
    const maxWaitTimeInMs = 10_000;
    const kafka = kafkaFor(broker, 'wakeup-test');
    const producer = kafka.producer();
    const consumer = kafka.consumer({
      groupId: 'wakeup',
      ...consumerTimings,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      maxWaitTimeInMs,
    });
    const receivedAt = new Map<string, number>();
    let fetchesStarted = 0;
    try {
      await producer.connect();
      await consumer.connect();
      await consumer.subscribe({ topic: 'wakeup', fromBeginning: true });
      consumer.on(consumer.events.FETCH_START, () => fetchesStarted++);
      let fetchesAtWarmUp = 0;
      await consumer.run({
        eachMessage: ({ message }) => {
          receivedAt.set(String(message.value), Date.now());
          if (String(message.value) === 'warm-up') fetchesAtWarmUp = fetchesStarted;
          return Promise.resolve();
        },
      });
      // A first message gets the consumer past joining the group and finding its offsets...
      await producer.send({ topic: 'wakeup', messages: [{ key: 'k', value: 'warm-up' }] });
      await until(() => receivedAt.has('warm-up'), 15_000);
      // ...so that the fetch it sends next waits at the broker, on a partition with nothing new.
      await until(() => fetchesStarted > fetchesAtWarmUp, 15_000);
      await new Promise((resolve) => setTimeout(resolve, 2_000));

      const producedAt = Date.now();
      await producer.send({ topic: 'wakeup', messages: [{ key: 'k', value: 'woken' }] });
      await until(() => receivedAt.has('woken'), maxWaitTimeInMs + 5_000);
      expect((receivedAt.get('woken') as number) - producedAt).toBeLessThan(maxWaitTimeInMs / 2);
      // Wakes the fetch that follows too, so that the consumer stops without waiting it out.
      await producer.send({ topic: 'wakeup', messages: [{ key: 'k', value: 'bye' }] });
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
    }
  }, 90_000);

  it('splits a 6-partition topic between two consumers of one group', async () => {
    const kafka = kafkaFor(broker, 'group-test');
    const consumers: Consumer[] = [0, 1].map(() =>
      kafka.consumer({ groupId: 'payments-group', ...consumerTimings }),
    );
    // Each member's latest assignment; a rebalance replaces it.
    const assigned: number[][] = [[], []];
    const join = async (index: number) => {
      const consumer = consumers[index] as Consumer;
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        assigned[index] = payload.memberAssignment['payments'] ?? [];
      });
      await consumer.connect();
      await consumer.subscribe({ topic: 'payments' });
      await consumer.run({ eachMessage: () => Promise.resolve() });
    };
    try {
      // One member at a time: two joining at the same moment can take several rebalances (each one
      // sessionTimeout - 1 s on the mock) to settle on a busy machine, and that is not what is tested.
      // Under load a join can take a few rebalance rounds of 5 s each; the bounds leave room for them.
      await join(0);
      await until(() => assigned[0]?.length === 6, 40_000);
      await join(1);
      await until(() => assigned.every((partitions) => partitions.length === 3), 40_000);
      expect(assigned.flat().sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5]);
    } finally {
      await Promise.all(consumers.map((consumer) => consumer.disconnect()));
    }
  }, 100_000);

  it('fails a produce while the broker is down and accepts it once the broker is up again', async () => {
    const kafka = new Kafka({
      clientId: 'outage-test',
      brokers: broker.bootstrapServers.split(','),
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    });
    const producer = kafka.producer({ retry: { retries: 0 } });
    try {
      await producer.connect();
      await producer.send({ topic: 'outage', messages: [{ value: 'before' }] });

      await broker.brokerDown(1);
      await expect(producer.send({ topic: 'outage', messages: [{ value: 'during' }] })).rejects.toThrow();

      await broker.brokerUp(1);
      await expect(producer.send({ topic: 'outage', messages: [{ value: 'after' }] })).resolves.toBeDefined();
    } finally {
      await broker.brokerUp(1);
      await producer.disconnect();
    }
  }, 30_000);

  it('rejects an unknown command with a readable error', async () => {
    await expect(broker.command('frobnicate now')).rejects.toThrow(
      "kafka-mock-broker: 'frobnicate now' failed: unknown command frobnicate; try help",
    );
    // Answers stay paired with their commands after a failure.
    await expect(broker.command('help')).resolves.toMatch(/^ok broker-down ID/);
  });
});

describe('mock Kafka broker lifecycle', () => {
  it(
    'ends its process on stop()',
    async () => {
      const broker = await startMockBroker({ topics: [], brokers: 2 });
      expect(broker.bootstrapServers.split(',')).toHaveLength(2);
      expect(isRunning(broker.pid)).toBe(true);

      await broker.stop();

      expect(isRunning(broker.pid)).toBe(false);
      await expect(broker.command('help')).rejects.toThrow(/exited/);
    },
    buildTimeoutMs,
  );
});
