import { startTestStack, type AppReplica, type TestStack } from '@shop/stack';
import { adminConnection, eventually } from '@shop/testing';
import { chaosStack, expectPromisesKept, runChaos } from './chaos-run';
import { relayLeader } from './relay-leader';

jest.setTimeout(300_000);

describe('chaos: replicas killed while checkouts stream in', () => {
  let stack: TestStack;
  const admin = adminConnection();

  beforeAll(async () => {
    stack = await startTestStack(chaosStack('chaoskill'));
  }, 300_000);

  afterAll(() => stack?.stop(), 60_000);

  const replica = (label: string | undefined) =>
    stack.processes.find((candidate) => candidate.label === label) as AppReplica;

  it('kill -9 of one replica of each consuming service, the relay leader among them, loses and doubles nothing', async () => {
    const killed: AppReplica[] = [];
    let leaderBefore: string | undefined;
    const report = await runChaos({
      fault: 'kill -9 orders relay leader, payments#1, email#2',
      stack,
      admin,
      async inject() {
        leaderBefore = await relayLeader(admin, stack.databases['orders-service']);
        killed.push(replica(leaderBefore), replica('payments-service#1'), replica('email-service#2'));
        const pids = killed.map((victim) => victim.pid());
        for (const pid of pids) if (pid) process.kill(pid, 'SIGKILL');
        // The fault is over once the supervisor has brought each one back.
        await eventually(
          () => killed.every((victim, i) => victim.pid() !== undefined && victim.pid() !== pids[i]),
          30_000,
          100,
        );
      },
    });

    expectPromisesKept(report, 15_000);
    expect(leaderBefore).toMatch(/^orders-service#[12]$/);
    // Another replica took over publishing, or the restarted one took its lock back.
    expect(await relayLeader(admin, stack.databases['orders-service'])).toMatch(/^orders-service#[12]$/);
    for (const app of stack.processes) {
      const expected = killed.includes(app) ? [{ signal: 'SIGKILL' }] : [];
      expect({ app: app.label, crashes: app.crashes.map(({ signal }) => ({ signal })) }).toEqual({
        app: app.label,
        crashes: expected,
      });
    }
  });
});
