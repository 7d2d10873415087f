import { setTimeout as sleep } from 'node:timers/promises';
import { readFlagsFile, resetFlags, setFlag, writeFlagsFile } from '@shop/fault-flags';
import { startTestStack, type TestStack } from '@shop/stack';
import { adminConnection } from '@shop/testing';
import { chaosStack, expectPromisesKept, runChaos } from './chaos-run';

jest.setTimeout(300_000);

describe('chaos: the card network made unreachable by a fault flag, switched at run time', () => {
  let stack: TestStack;
  const switchTo = (value: string) =>
    writeFlagsFile(stack.flagsFile, setFlag(readFlagsFile(stack.flagsFile), 'card-network-down', value));

  beforeAll(async () => {
    stack = await startTestStack(chaosStack('chaosflag'));
  }, 300_000);

  afterAll(() => stack?.stop(), 60_000);

  it('10 s of card-network-down holds the charges back, and every order settles once it is off', async () => {
    const report = await runChaos({
      fault: 'flag card-network-down on for 10 s',
      stack,
      admin: adminConnection(),
      async inject() {
        switchTo('true');
        await sleep(10_000);
        writeFlagsFile(stack.flagsFile, resetFlags(readFlagsFile(stack.flagsFile)));
      },
    });

    // Checkouts were accepted throughout; the charges waited (transient, never dead-lettered).
    expectPromisesKept(report, 1);
    // Orders placed while the flag was on could not settle before it went off.
    expect(report.slowestSettleMs).toBeGreaterThan(3_000);
    expect(stack.processes.filter((app) => app.crashes.length > 0).map((app) => app.label)).toEqual([]);
  });
});
