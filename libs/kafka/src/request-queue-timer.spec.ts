import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { createKafka } from './client';
import { testBrokers, testLogger } from '@shop/testing';

const queue = (
  createRequire(require.resolve('kafkajs'))('./src/network/requestQueue') as {
    prototype: { checkPendingRequests: (this: unknown) => void };
  }
).prototype;

describe('kafkajs request queues, as createKafka leaves them', () => {
  it('do not wake while nothing is pending (kafkajs alone checks every millisecond, forever)', async () => {
    const admin = createKafka({
      brokers: testBrokers(),
      clientId: 'queue-spec',
      logger: testLogger(),
    }).admin();
    const original = queue.checkPendingRequests;
    let checks = 0;
    queue.checkPendingRequests = function (this: unknown) {
      checks++;
      original.call(this);
    };
    try {
      await admin.connect();
      await admin.listTopics();
      await sleep(100);
      checks = 0;
      // Connected and idle: no request pending, none in flight.
      await sleep(500);
      expect(checks).toBeLessThan(5);
      // Still answering: requests made later are sent and answered.
      await expect(admin.listTopics()).resolves.toEqual(expect.any(Array));
    } finally {
      queue.checkPendingRequests = original;
      await admin.disconnect();
    }
  });
});
