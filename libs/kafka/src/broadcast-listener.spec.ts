import { createKafka } from './client';
import { startBroadcastListener, type BroadcastListener } from './broadcast-listener';
import { eventually, fastConsumerTimings, testBrokers, testLogger, uniqueTopicPrefix } from '@shop/testing';

describe('startBroadcastListener', () => {
  const logger = testLogger();
  const kafka = createKafka({ brokers: testBrokers(), clientId: 'broadcast-spec', logger });
  const listeners: BroadcastListener[] = [];
  afterAll(async () => {
    await Promise.all(listeners.map((listener) => listener.stop()));
  });

  const produce = async (topic: string, values: string[]) => {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: values.map((value) => ({ key: value, value })) });
    await producer.disconnect();
  };

  it('gives every listening process every message, and goes on past a handler that throws', async () => {
    const prefix = uniqueTopicPrefix('broadcast');
    const topic = `${prefix}events`;
    await produce(topic, ['before']);
    const heard: string[][] = [[], []];
    let caughtUp = 0;
    for (const seen of heard) {
      listeners.push(
        startBroadcastListener({
          kafka,
          groupPrefix: `${prefix}listener.`,
          topics: [topic],
          logger,
          ...fastConsumerTimings,
          onListening: () => caughtUp++,
          handle(message) {
            const value = String(message.value);
            seen.push(value);
            if (value === 'bad') throw new Error('cannot handle this one');
          },
        }),
      );
    }
    const [first, second] = listeners.slice(-2);
    expect(first?.groupId).not.toBe(second?.groupId);
    await eventually(() => expect(listeners.every((listener) => listener.listening())).toBe(true), 30_000);
    expect(caughtUp).toBe(2);

    await produce(topic, ['bad', 'one', 'two']);
    // From the latest offset: what was sent before the listeners joined is not replayed.
    for (const seen of heard)
      await eventually(() => expect([...seen].sort()).toEqual(['bad', 'one', 'two']), 30_000);
  });

  it('keeps trying while the broker cannot be reached, and stops at once when asked', async () => {
    const unreachable = createKafka({ brokers: ['127.0.0.1:1'], clientId: 'broadcast-spec', logger });
    const listener = startBroadcastListener({
      kafka: unreachable,
      groupPrefix: 'nowhere.',
      topics: ['nowhere'],
      logger,
      initialBackoffMs: 50,
      handle: () => undefined,
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(listener.listening()).toBe(false);
    const startedAt = Date.now();
    await listener.stop();
    expect(Date.now() - startedAt).toBeLessThan(5_000);
  });
});
