import type { Logger } from '@shop/logger';
import { createKafka, createProducer } from './client';

describe('createProducer', () => {
  it('names its partitioner, so that kafkajs does not warn at every start', () => {
    const warnings: string[] = [];
    const recording = {
      child: () => recording,
      warn: (_extra: unknown, message: string) => warnings.push(message),
      error: () => undefined,
      info: () => undefined,
      debug: () => undefined,
    };
    // Only the methods the Kafka client calls; nothing connects.
    const kafka = createKafka({
      brokers: ['127.0.0.1:1'],
      clientId: 'client-spec',
      logger: recording as unknown as Logger,
    });
    createProducer(kafka);
    expect(warnings).toEqual([]);
    // What a producer without one says, so that the check above can fail.
    kafka.producer();
    expect(warnings).toEqual([expect.stringContaining('switched default partitioner')]);
  });
});
