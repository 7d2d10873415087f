import { setTimeout as sleep } from 'node:timers/promises';
import { startTestStack, type TestStack } from '@shop/stack';
import { adminConnection } from '@shop/testing';
import { chaosStack, expectPromisesKept, runChaos } from './chaos-run';

jest.setTimeout(300_000);

describe('chaos: the SMTP server goes away while checkouts stream in', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack(chaosStack('chaossmtp'));
  }, 300_000);

  afterAll(() => stack?.stop(), 60_000);

  it('10 s without SMTP delays the mails, and loses, doubles and kills nothing', async () => {
    const report = await runChaos({
      fault: 'SMTP down 10 s',
      stack,
      admin: adminConnection(),
      async inject() {
        await stack.smtp.goDown();
        await sleep(10_000);
        await stack.smtp.comeBack();
      },
    });

    // Checkouts never needed the mail server: nothing was refused.
    expectPromisesKept(report, 1);
    expect(report.duplicateMails).toBe(0);
    expect(stack.processes.filter((app) => app.crashes.length > 0).map((app) => app.label)).toEqual([]);
  });
});
