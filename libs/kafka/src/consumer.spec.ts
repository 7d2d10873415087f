import { createKafka, type RunningConsumer } from './index';
import { startConsumer, type ConsumedMessage } from './consumer';
import { consumerGroup } from './topics';
import {
  errorRecordingLogger,
  eventually,
  fastConsumerTimings,
  testBrokers,
  testLogger,
  uniqueTopicPrefix,
} from '@shop/testing';

class DatabaseAway extends Error {
  readonly code = 'ECONNREFUSED';
}

describe('startConsumer', () => {
  const logger = testLogger();
  const kafka = createKafka({ brokers: testBrokers(), clientId: 'consumer-spec', logger });
  const consumers: RunningConsumer[] = [];
  afterAll(async () => {
    await Promise.all(consumers.map((consumer) => consumer.stop()));
  });

  const produce = async (topic: string, values: string[], partition?: number) => {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: values.map((value) => ({ key: 'same-key', value, partition })) });
    await producer.disconnect();
  };
  /** A client whose kafkajs error lines (an eachMessage that threw, a crash, a restart) are kept. */
  const watchedKafka = () => {
    const { logger: recording, errors } = errorRecordingLogger();
    const client = createKafka({
      brokers: testBrokers(),
      clientId: 'consumer-spec-watched',
      logger: recording,
    });
    return { client, errors };
  };

  it.each(['parent', 'link'] as const)(
    'with %s trace context, handles one key’s messages in order and commits them',
    async (traceContext) => {
      const prefix = uniqueTopicPrefix(`order-${traceContext}`);
      const seen: string[] = [];
      consumers.push(
        await startConsumer({
          kafka,
          groupId: `${prefix}group`,
          topics: [`${prefix}topic`],
          deadLetterTopic: `${prefix}group.dlt`,
          logger,
          traceContext,
          ...fastConsumerTimings,
          handle: (message: ConsumedMessage) => {
            seen.push(String(message.value));
            return Promise.resolve();
          },
        }),
      );
      await produce(`${prefix}topic`, ['1', '2', '3', '4']);
      await eventually(() => expect(seen).toEqual(['1', '2', '3', '4']));
    },
  );

  it('keeps delivering a message whose failure is transient until it succeeds, and never dead-letters it', async () => {
    const prefix = uniqueTopicPrefix('transient');
    let attempts = 0;
    const handled: string[] = [];
    consumers.push(
      await startConsumer({
        kafka,
        groupId: `${prefix}group`,
        topics: [`${prefix}topic`],
        deadLetterTopic: `${prefix}group.dlt`,
        logger,
        maxAttempts: 2,
        initialBackoffMs: 20,
        classify: (error) => (error instanceof DatabaseAway ? 'transient' : 'unknown'),
        ...fastConsumerTimings,
        handle: (message) => {
          attempts++;
          // Away for the first three attempts: longer than one round of in-process retries.
          if (attempts <= 3) return Promise.reject(new DatabaseAway('connect ECONNREFUSED'));
          handled.push(String(message.value));
          return Promise.resolve();
        },
      }),
    );
    await produce(`${prefix}topic`, ['precious']);
    await eventually(() => expect(handled).toEqual(['precious']), 30_000);
    expect(attempts).toBe(4);

    const offsets = await kafka
      .admin()
      .fetchTopicOffsets(`${prefix}group.dlt`)
      .catch(() => []);
    expect(offsets.every((partition) => partition.high === '0')).toBe(true);
  });

  it('waits out a long transient outage with a bounded backoff, never crashing or restarting, and loses nothing', async () => {
    const prefix = uniqueTopicPrefix('outage');
    const watched = watchedKafka();
    let down = true;
    const attemptsAt: number[] = [];
    const handled: string[] = [];
    consumers.push(
      await startConsumer({
        kafka: watched.client,
        groupId: `${prefix}group`,
        topics: [`${prefix}topic`],
        deadLetterTopic: `${prefix}group.dlt`,
        logger,
        maxAttempts: 2,
        initialBackoffMs: 50,
        maxBackoffMs: 400,
        classify: (error) => (error instanceof DatabaseAway ? 'transient' : 'unknown'),
        ...fastConsumerTimings,
        handle: (message) => {
          const value = String(message.value);
          if (down) {
            attemptsAt.push(Date.now());
            return Promise.reject(new DatabaseAway('connect ECONNREFUSED'));
          }
          handled.push(value);
          return Promise.resolve();
        },
      }),
    );
    await produce(`${prefix}topic`, ['needs-the-database'], 0);
    await eventually(() => expect(attemptsAt.length).toBeGreaterThan(2), 30_000);
    await produce(`${prefix}topic`, ['queued-behind'], 1);
    // Longer than the session timeout: a member that stopped heartbeating would be out of the group by now.
    await new Promise((resolve) => setTimeout(resolve, fastConsumerTimings.sessionTimeoutMs + 1_000));

    const gaps = attemptsAt.slice(1).map((at, index) => at - (attemptsAt[index] ?? at));
    expect(Math.max(...gaps)).toBeGreaterThanOrEqual(350); // backed off to the cap...
    expect(Math.max(...gaps)).toBeLessThan(1_500); // ...and no further
    // The message never went back to kafkajs: no failed eachMessage, no crash, no restart and rejoin.
    expect(watched.errors).toEqual([]);

    down = false;
    await eventually(
      () => expect([...handled].sort()).toEqual(['needs-the-database', 'queued-behind']),
      10_000,
    );
    const offsets = await kafka
      .admin()
      .fetchTopicOffsets(`${prefix}group.dlt`)
      .catch(() => []);
    expect(offsets.every((partition) => partition.high === '0')).toBe(true);
  }, 60_000);
  it("with a service's group settings, handles every partition in hand at once, not one or a few at a time", async () => {
    const prefix = uniqueTopicPrefix('concurrent');
    const topic = `${prefix}topic`;
    // The test broker creates a topic on first use with 4 partitions: one message for each.
    const partitions = [0, 1, 2, 3];
    let inHand = 0;
    let mostInHand = 0;
    let release = (): void => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    // Produced before the consumer starts, so that its first fetch brings all four: kafkajs fetches again
    // only once every batch of the last fetch is handled, so messages that arrive later are not in hand
    // together with a handler that waits.
    for (const partition of partitions) await produce(topic, [`p${partition}`], partition);
    consumers.push(
      await startConsumer({
        kafka,
        ...consumerGroup(
          {
            KAFKA_TOPIC_PREFIX: prefix,
            KAFKA_SESSION_TIMEOUT_MS: fastConsumerTimings.sessionTimeoutMs,
            KAFKA_HEARTBEAT_INTERVAL_MS: fastConsumerTimings.heartbeatIntervalMs,
            KAFKA_FETCH_MAX_WAIT_MS: fastConsumerTimings.maxWaitTimeInMs,
            KAFKA_CONSUMER_TRACE_CONTEXT: 'parent',
          },
          'payments-service',
        ),
        topics: [topic],
        logger,
        // Every handler waits until all partitions' messages are in hand at the same time.
        handle: async () => {
          mostInHand = Math.max(mostInHand, ++inHand);
          if (inHand === partitions.length) release();
          await released;
          inHand--;
        },
      }),
    );
    try {
      await eventually(() => expect(mostInHand).toBe(partitions.length), 20_000);
    } finally {
      // Lets the handlers finish even when the check failed, so that the consumer can stop.
      release();
    }
  });
});
