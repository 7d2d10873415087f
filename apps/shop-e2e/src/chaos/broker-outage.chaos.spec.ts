import { setTimeout as sleep } from 'node:timers/promises';
import { startTestStack, type TestStack } from '@shop/stack';
import { adminConnection } from '@shop/testing';
import { chaosStack, expectPromisesKept, runChaos } from './chaos-run';

jest.setTimeout(300_000);

describe('chaos: the broker goes away while checkouts stream in', () => {
  let stack: TestStack;

  beforeAll(async () => {
    // A broker of this test's own: taking the shared one down would disturb every other suite.
    stack = await startTestStack(chaosStack('chaoskafka', { broker: 'own' }));
  }, 300_000);

  afterAll(() => stack?.stop(), 60_000);

  it('10 s without the broker delays settling, and loses, doubles and kills nothing', async () => {
    const broker = stack.broker;
    if (!broker) throw new Error('the test stack did not start a broker of its own');
    const report = await runChaos({
      fault: 'broker down 10 s',
      stack,
      admin: adminConnection(),
      async inject() {
        await broker.brokerDown(1);
        await sleep(10_000);
        await broker.brokerUp(1);
      },
    });

    // Orders are accepted throughout: the outbox keeps their events until the broker is back.
    expectPromisesKept(report, 5_000);
    expect(stack.processes.filter((app) => app.crashes.length > 0).map((app) => app.label)).toEqual([]);
  });
});
