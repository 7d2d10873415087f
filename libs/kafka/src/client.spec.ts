import { errorRecordingLogger } from '@shop/testing';
import { createKafka, createProducer } from './client';

describe('createProducer', () => {
  it('names its partitioner, so that kafkajs does not warn at every start', () => {
    const { logger, warnings } = errorRecordingLogger();
    // Nothing connects.
    const kafka = createKafka({ brokers: ['127.0.0.1:1'], clientId: 'client-spec', logger });
    createProducer(kafka);
    expect(warnings).toEqual([]);
    // What a producer without one says, so that the check above can fail.
    kafka.producer();
    expect(warnings).toEqual([expect.stringContaining('switched default partitioner')]);
  });
});
