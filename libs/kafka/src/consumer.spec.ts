import { createKafka, type RunningConsumer } from './index';
import { startConsumer, type ConsumedMessage } from './consumer';
import { eventually, fastConsumerTimings, testBrokers, testLogger, uniqueTopicPrefix } from '@shop/testing';

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

  const produce = async (topic: string, values: string[]) => {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: values.map((value) => ({ key: 'same-key', value })) });
    await producer.disconnect();
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
});
