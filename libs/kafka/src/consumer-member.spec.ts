import { startMockBroker, type MockBroker } from '@shop/kafka-mock-broker';
import { errorRecordingLogger, eventually, fastConsumerTimings, testLogger } from '@shop/testing';
import { createKafka } from './client';
import { startConsumer, type RunningConsumer } from './consumer';
import { startBroadcastListener, type BroadcastListener } from './broadcast-listener';

// SyncGroup's API key: the request a member sends after JoinGroup to learn its partitions.
const SYNC_GROUP = 14;

/**
 * A broker of this spec's own: the errors pushed here fail the next requests of their kind from any
 * client, which on the shared test broker would hit other suites' consumers.
 */
describe('a consumer that kafkajs gives up on', () => {
  let broker: MockBroker;
  const running: Array<RunningConsumer | BroadcastListener> = [];
  beforeAll(async () => {
    broker = await startMockBroker({
      topics: [
        { name: 'work', partitions: 2 },
        { name: 'news', partitions: 1 },
      ],
      initialRebalanceDelayMs: 0,
    });
  });
  afterAll(async () => {
    await Promise.all(running.map((member) => member.stop()));
    await broker?.stop();
  });

  /** A client whose error lines (kafkajs's crash report, the consumer's own) are kept. */
  const watchedKafka = () => {
    const { logger, errors } = errorRecordingLogger();
    const kafka = createKafka({
      brokers: broker.bootstrapServers.split(','),
      clientId: 'member-spec',
      logger,
    });
    return { kafka, logger, errors };
  };
  const produce = async (topic: string, value: string) => {
    const producer = createKafka({
      brokers: broker.bootstrapServers.split(','),
      clientId: 'member-spec-producer',
      logger: testLogger(),
    }).producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'k', value }] });
    await producer.disconnect();
  };

  it('is replaced by a new member after a final crash, and the partitions are served again', async () => {
    const watched = watchedKafka();
    // INVALID_REQUEST is not retriable in kafkajs: its consumer crashes and does not restart by itself.
    await broker.command(`push-errors ${SYNC_GROUP} INVALID_REQUEST`);
    const handled: string[] = [];
    const consumer = await startConsumer({
      kafka: watched.kafka,
      groupId: 'work-group',
      topics: ['work'],
      deadLetterTopic: 'work-group.dlt',
      logger: watched.logger,
      ...fastConsumerTimings,
      handle: (message) => {
        handled.push(String(message.value));
        return Promise.resolve();
      },
    });
    running.push(consumer);

    await eventually(() =>
      expect(watched.errors).toContain(
        'the consumer stopped on an error kafkajs does not restart on; a new member joins in its place',
      ),
    );
    await produce('work', 'after-the-crash');
    await eventually(() => expect(handled).toEqual(['after-the-crash']), 20_000);
  }, 40_000);

  it('holds for the broadcast listener too: it listens again after a final crash', async () => {
    const watched = watchedKafka();
    await broker.command(`push-errors ${SYNC_GROUP} INVALID_REQUEST`);
    const heard: string[] = [];
    const listener = startBroadcastListener({
      kafka: watched.kafka,
      groupPrefix: 'news-',
      topics: ['news'],
      logger: watched.logger,
      ...fastConsumerTimings,
      handle: (message) => heard.push(String(message.value)),
    });
    running.push(listener);

    await eventually(() => expect(listener.listening()).toBe(true), 20_000);
    expect(watched.errors).toContain(
      'the consumer stopped on an error kafkajs does not restart on; a new member joins in its place',
    );
    await produce('news', 'heard-after-the-crash');
    await eventually(() => expect(heard).toEqual(['heard-after-the-crash']), 20_000);
  }, 40_000);
});
