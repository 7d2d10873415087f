import { createMetrics } from './metrics';

describe('per-second timeline', () => {
  it('gives every second of a phase its target rate, whatever the float noise of the start time', () => {
    // performance.now() is fractional; 0.1 + k * 1000 is not always exact in binary.
    const runStart = 12_345.678_9;
    const metrics = createMetrics(runStart);
    metrics.startPhase(50, runStart, 20_000);
    expect(metrics.buckets.map((bucket) => bucket.targetRate)).toEqual(Array.from({ length: 20 }, () => 50));
    metrics.startPhase(70, runStart + 21_000, 2_500);
    expect(metrics.buckets.slice(20).map((bucket) => bucket.targetRate)).toEqual([0, 70, 70, 70]);
  });

  it('counts an arrival in the second it was meant to start and its response in the second it came', () => {
    const metrics = createMetrics(0);
    metrics.startPhase(1, 0, 2000);
    metrics.recordCompletion({
      intendedAt: 999,
      startedAt: 999,
      endedAt: 1500,
      latencyMs: 501,
      startLagMs: 0,
      outcome: { ok: false, errorKind: 'HTTP 503' },
    });
    expect(metrics.buckets.map(({ started, completed, errors }) => ({ started, completed, errors }))).toEqual(
      [
        { started: 1, completed: 0, errors: 0 },
        { started: 0, completed: 1, errors: 1 },
      ],
    );
    expect(metrics.phases[0]?.errorKinds.get('HTTP 503')).toBe(1);
  });
});
