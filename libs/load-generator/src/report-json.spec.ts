import { syntheticReport } from '../test/synthetic-report';

describe('report.json', () => {
  it('has the headline figures, the settle latency and a per-second timeline', () => {
    const report = syntheticReport([50]);
    expect(report).toMatchObject({
      scenario: 'checkout',
      targetRate: 50,
      durationS: 10,
      requests: 500,
      completed: 500,
      errors: 0,
      dropped: 0,
      errorRate: 0,
      settle: { settled: 500, confirmed: 450, cancelled: 50, unexpected: 0, pollRequests: 2000 },
    });
    expect(report.achievedRate).toBeGreaterThan(49);
    expect(report.achievedRate).toBeLessThanOrEqual(50);
    for (const summary of [report.latencyMs, report.settleMs]) {
      for (const key of ['p50', 'p90', 'p99', 'max'] as const) expect(summary?.[key]).toBeGreaterThan(0);
    }
    expect(report.latencyMs.p50).toBeLessThanOrEqual(report.latencyMs.p99);
    expect(report.settleMs?.p50).toBeGreaterThan(report.latencyMs.p50);
    expect(report.operations['POST /v1/orders']).toMatchObject({ count: 500, errors: 0 });
    expect(report.timeline).toHaveLength(11);
    expect(report.timeline[0]).toMatchObject({ t: 0, targetRate: 50, started: 50 });
    expect(report.timeline.slice(0, 10).reduce((sum, p) => sum + p.started, 0)).toBe(500);
    expect(report.steps).toBeUndefined();
  });

  it('in step mode, judges each step and names the highest rate within the SLO', () => {
    const report = syntheticReport([20, 40, 60, 80], { sloP99Ms: 30 });
    expect(report.steps?.map((s) => [s.targetRate, s.pass])).toEqual([
      [20, true],
      [40, true],
      [60, false],
      [80, false],
    ]);
    expect(report.steps?.[2]?.reason).toMatch(/error rate 1.00%/);
    expect(report.step).toEqual({ sloP99Ms: 30, maxErrorRate: 0.01, maxRatePassing: 40 });
    expect(report.requests).toBe(2000);
    expect(report.errorKinds).toEqual({ 'HTTP 503': 14 });
    expect(report.timeline.find((p) => p.t === 11)?.targetRate).toBe(40);
  });

  it('with a settle SLO, fails the step whose orders settle too slowly and records which SLO judged', () => {
    // HTTP p99 of the synthetic steps: 9 / 13 ms; settle p99: 174 / 218 ms.
    const report = syntheticReport([20, 40, 60, 80], { sloP99Ms: 30, sloSettleP99Ms: 200 });
    expect(report.steps?.map((s) => [s.targetRate, s.pass])).toEqual([
      [20, true],
      [40, false],
      [60, false],
      [80, false],
    ]);
    expect(report.steps?.[1]?.reason).toMatch(/^settle p99 2\d\d\.\d+ ms >= 200 ms$/);
    expect(report.steps?.[2]?.reason).toMatch(/settle p99 .* >= 200 ms; error rate 1.00%/);
    expect(report.step).toEqual({
      sloP99Ms: 30,
      sloSettleP99Ms: 200,
      maxErrorRate: 0.01,
      maxRatePassing: 20,
    });
  });
});
