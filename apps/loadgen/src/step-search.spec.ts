import { judgeStep, maxSustainableRate } from './step-search';

const step = (targetRate: number, p99: number, errorRate = 0, requests = 100) => ({
  targetRate,
  requests,
  errorRate,
  latencyMs: { p99 },
});

describe('step mode SLO search', () => {
  const slo = 250;
  const judged = (steps: ReturnType<typeof step>[]) => steps.map((s) => ({ ...s, ...judgeStep(s, slo) }));

  it('finds the highest rate before p99 crosses the SLO, on a latency curve with a knee', () => {
    // p99 flat, then climbing fast past 120/s as queues build.
    const curve = [20, 40, 60, 80, 100, 120, 140, 160].map((rate) =>
      step(rate, rate <= 100 ? 30 + rate / 10 : 40 * 2 ** ((rate - 100) / 10)),
    );
    const steps = judged(curve);
    expect(steps.map((s) => s.pass)).toEqual([true, true, true, true, true, true, false, false]);
    expect(maxSustainableRate(steps)).toBe(120);
    expect(steps[6]?.reason).toMatch(/p99 .* >= 250 ms/);
  });

  it('fails a step with 1% errors or more even when it is fast', () => {
    const steps = judged([step(50, 20), step(100, 25, 0.01), step(150, 30)]);
    expect(steps[1]).toMatchObject({
      pass: false,
      reason: expect.stringMatching(/error rate 1.00%/) as string,
    });
    expect(maxSustainableRate(steps)).toBe(50);
  });

  it('passes just under the limits and fails at them (strictly under)', () => {
    expect(judgeStep(step(10, 249.99, 0.0099), slo).pass).toBe(true);
    expect(judgeStep(step(10, 250, 0), slo).pass).toBe(false);
  });

  it('does not count a lucky pass after the first failure', () => {
    const steps = judged([step(20, 50), step(40, 300), step(60, 100)]);
    expect(maxSustainableRate(steps)).toBe(20);
  });

  it('has no answer when even the first step misses, or a step sent nothing', () => {
    expect(maxSustainableRate(judged([step(20, 400), step(40, 500)]))).toBeNull();
    expect(judgeStep(step(20, 0, 0, 0), slo)).toMatchObject({ pass: false, reason: 'no requests' });
  });
});
