import { describeSlo, judgeStep, maxSustainableRate } from './step-search';

const step = (targetRate: number, p99: number, errorRate = 0, requests = 100) => ({
  targetRate,
  requests,
  errorRate,
  latencyMs: { p99 },
});

/** A checkout step: the POST's p99 and how its orders settled. */
const checkoutStep = (targetRate: number, p99: number, settleP99: number, timedOut = 0, settled = 100) => ({
  ...step(targetRate, p99),
  settleMs: { count: settled, p99: settleP99 },
  settle: { timedOut },
});

describe('step mode SLO search', () => {
  const slo = { sloP99Ms: 250 };
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

  describe('with a settle SLO', () => {
    const withSettle = { sloP99Ms: 250, sloSettleP99Ms: 2000 };

    it('finds the knee in the settle latency where the POST stays fast (work after the 202)', () => {
      // The POST answers in 40 ms at every rate; the payments behind it cap out past 36/s.
      const curve = [12, 24, 36, 48, 60].map((rate) =>
        checkoutStep(rate, 40, rate <= 36 ? 600 : 600 * 2 ** ((rate - 36) / 6)),
      );
      const steps = curve.map((s) => ({ ...s, ...judgeStep(s, withSettle) }));
      expect(steps.map((s) => s.pass)).toEqual([true, true, true, false, false]);
      expect(maxSustainableRate(steps)).toBe(36);
      expect(steps[3]?.reason).toBe('settle p99 2400 ms >= 2000 ms');
      // Without the settle SLO the same steps all pass: the HTTP p99 cannot see the payments.
      expect(curve.every((s) => judgeStep(s, slo).pass)).toBe(true);
    });

    it('passes just under the settle SLO and fails at it (strictly under)', () => {
      expect(judgeStep(checkoutStep(10, 40, 1999.99), withSettle).pass).toBe(true);
      expect(judgeStep(checkoutStep(10, 40, 2000), withSettle).pass).toBe(false);
    });

    it('fails a step whose orders timed out settling, however fast the others settled', () => {
      expect(judgeStep(checkoutStep(10, 40, 300, 1), withSettle)).toEqual({
        pass: false,
        reason: '1 order timed out settling',
      });
      expect(judgeStep(checkoutStep(10, 40, 0, 7, 0), withSettle)).toEqual({
        pass: false,
        reason: '7 orders timed out settling',
      });
    });

    it('fails a step in which no order settled: the SLO was never put to the test', () => {
      expect(judgeStep(checkoutStep(10, 40, 0, 0, 0), withSettle)).toEqual({
        pass: false,
        reason: 'no orders settled',
      });
    });

    it('names every limit a step missed', () => {
      expect(judgeStep({ ...checkoutStep(10, 300, 2500, 2), errorRate: 0.05 }, withSettle).reason).toBe(
        'p99 300 ms >= 250 ms; settle p99 2500 ms >= 2000 ms; 2 orders timed out settling; error rate 5.00% >= 1.00%',
      );
    });

    it('says which SLO judged', () => {
      expect(describeSlo(slo)).toBe('p99 < 250 ms, errors < 1%');
      expect(describeSlo(withSettle)).toBe(
        'p99 < 250 ms, settle p99 < 2000 ms with no order timed out, errors < 1%',
      );
    });
  });
});
