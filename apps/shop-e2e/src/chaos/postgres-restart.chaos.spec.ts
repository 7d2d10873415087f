import { startTestStack, type TestStack } from '@shop/stack';
import { startPrivatePostgres, type PrivatePostgres } from '@shop/testing';
import { chaosStack, expectPromisesKept, runChaos } from './chaos-run';

jest.setTimeout(300_000);

describe('chaos: Postgres restarts while checkouts stream in', () => {
  let postgres: PrivatePostgres;
  let stack: TestStack;

  beforeAll(async () => {
    // A server of this test's own: restarting the shared one would disturb every other suite.
    postgres = await startPrivatePostgres();
    stack = await startTestStack(chaosStack('chaospg', { postgres: postgres.connection }));
  }, 300_000);

  afterAll(async () => {
    await stack?.stop();
    await postgres?.stop();
  }, 60_000);

  it('a restart that keeps the database away for 5 s loses nothing, doubles nothing and kills no process', async () => {
    const report = await runChaos({
      fault: 'Postgres down 5 s (fast shutdown, then start)',
      stack,
      admin: postgres.connection,
      inject: () => postgres.restart(5_000),
    });

    expectPromisesKept(report, 15_000);
    // While the database was away the shop said so (503), rather than failing or hanging.
    expect(report.unavailable).toBeGreaterThan(0);
    expect(stack.processes.filter((app) => app.crashes.length > 0).map((app) => app.label)).toEqual([]);
  });
});
