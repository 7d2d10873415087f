import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { startTestStack, WORKSPACE_ROOT, type TestStack } from '@shop/stack';
import { runLoadTest, type LoadReport } from '@shop/load-generator';

/**
 * The generator against the real shop (every app as a process, the broker, Postgres): a short checkout
 * run, read back from the report.json it writes.
 */
jest.setTimeout(180_000);

describe('a checkout load test against the running shop', () => {
  const run = randomBytes(3).toString('hex');
  const outDir = join(WORKSPACE_ROOT, 'tmp', 'loadgen-e2e', run);
  let stack: TestStack | undefined;

  beforeAll(async () => {
    stack = await startTestStack({
      label: 'loadgen',
      logDir: join(outDir, 'logs'),
      env: { LOG_LEVEL: 'warn', CARD_NETWORK_LATENCY_MS: '5' },
    });
  }, 300_000);

  afterAll(async () => {
    await stack?.stop();
    await rm(outDir, { recursive: true, force: true });
  }, 60_000);

  it('runs 3 s of checkouts at 10/s, every order settles, and the reports are written', async () => {
    let measuredFrom: Date | undefined;
    const { files } = await runLoadTest({
      target: (stack as TestStack).gatewayUrl,
      scenario: 'checkout',
      rate: 10,
      durationMs: 3000,
      users: 4,
      outDir,
      onMeasuredStart: (startedAt) => (measuredFrom = startedAt),
    });
    expect(files).toEqual([join(outDir, 'report.json'), join(outDir, 'report.html')]);

    const report = JSON.parse(await readFile(join(outDir, 'report.json'), 'utf8')) as LoadReport;
    const percentiles = {
      p50: expect.any(Number) as number,
      p90: expect.any(Number) as number,
      p99: expect.any(Number) as number,
      max: expect.any(Number) as number,
    };
    expect(report).toMatchObject({
      scenario: 'checkout',
      targetRate: 10,
      durationS: 3,
      requests: 30,
      completed: 30,
      errors: 0,
      dropped: 0,
      latencyMs: { count: 30, ...percentiles },
      settleMs: { count: 30, ...percentiles },
      // Each order's outcome came over its event stream, without a poll.
      settle: { settled: 30, unexpected: 0, timedOut: 0, streams: 30, streamErrors: 0, pollRequests: 0 },
    });
    // The caller's own figures start where the report's do: after the customers were prepared.
    expect(measuredFrom?.toISOString()).toBe(report.startedAt);
    expect(report.achievedRate).toBeGreaterThan(8);
    expect(report.latencyMs.p50).toBeGreaterThan(0);
    // An order settles after it was accepted: through payments and the broker, back to orders.
    expect(report.settleMs?.p50).toBeGreaterThan(report.latencyMs.p50);
    expect((report.settle?.confirmed ?? 0) + (report.settle?.cancelled ?? 0)).toBe(30);
    expect(report.operations['POST /v1/orders']).toMatchObject({ count: 30, errors: 0 });
    expect(report.timeline.length).toBeGreaterThanOrEqual(3);
    expect(report.timeline.slice(0, 3).map((point) => point.started)).toEqual([10, 10, 10]);
    expect(await readFile(join(outDir, 'report.html'), 'utf8')).toContain('<canvas id="settle-chart">');
  });
});
