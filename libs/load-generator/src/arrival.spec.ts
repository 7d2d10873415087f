import { arrivalOffsets, seededRandom, stepRates } from './arrival';

describe('arrival schedule', () => {
  it('at a constant rate, starts one request every 1000/rate ms from zero, all within the duration', () => {
    const offsets = [...arrivalOffsets({ rate: 50, durationMs: 1000, process: 'constant' })];
    expect(offsets).toHaveLength(50);
    expect(offsets[0]).toBe(0);
    expect(offsets[1]).toBe(20);
    expect(offsets[49]).toBe(980);
  });

  it('at a fractional rate, keeps the exact interval without drifting', () => {
    const offsets = [...arrivalOffsets({ rate: 3, durationMs: 10_000, process: 'constant' })];
    expect(offsets).toHaveLength(30);
    expect(offsets[29]).toBeCloseTo(29 * (1000 / 3), 9);
  });

  it('as a Poisson process, has exponential gaps averaging 1000/rate ms (coefficient of variation near 1)', () => {
    const rate = 200;
    const offsets = [
      ...arrivalOffsets({ rate, durationMs: 100_000, process: 'poisson', random: seededRandom(42) }),
    ];
    const expected = rate * 100;
    // 20 000 arrivals: the count is within a few standard deviations (sqrt(20000) ≈ 141).
    expect(Math.abs(offsets.length - expected)).toBeLessThan(600);
    const gaps = offsets.map((at, i) => at - (i === 0 ? 0 : (offsets[i - 1] as number)));
    const mean = gaps.reduce((sum, gap) => sum + gap, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((sum, gap) => sum + (gap - mean) ** 2, 0) / gaps.length);
    expect(mean).toBeGreaterThan(4.85);
    expect(mean).toBeLessThan(5.15);
    expect(sd / mean).toBeGreaterThan(0.95);
    expect(sd / mean).toBeLessThan(1.05);
    // Memoryless: about e^-1 of the gaps are longer than the mean.
    expect(gaps.filter((gap) => gap > mean).length / gaps.length).toBeCloseTo(Math.exp(-1), 1);
    expect(offsets.every((at, i) => i === 0 || at >= (offsets[i - 1] as number))).toBe(true);
    expect(offsets.every((at) => at >= 0 && at < 100_000)).toBe(true);
  });

  it('as a Poisson process, is the same schedule for the same seed and another for another seed', () => {
    const schedule = (seed: number) => [
      ...arrivalOffsets({ rate: 10, durationMs: 5000, process: 'poisson', random: seededRandom(seed) }),
    ];
    expect(schedule(7)).toEqual(schedule(7));
    expect(schedule(7)).not.toEqual(schedule(8));
  });

  it('has no arrivals for a zero rate or duration', () => {
    expect([...arrivalOffsets({ rate: 0, durationMs: 1000, process: 'constant' })]).toEqual([]);
    expect([...arrivalOffsets({ rate: 10, durationMs: 0, process: 'poisson' })]).toEqual([]);
  });

  it('steps from one rate to another, both included', () => {
    expect(stepRates(20, 200, 20)).toEqual([20, 40, 60, 80, 100, 120, 140, 160, 180, 200]);
    expect(stepRates(0.1, 0.3, 0.1)).toEqual([0.1, 0.2, 0.3]);
    expect(stepRates(10, 25, 10)).toEqual([10, 20]);
  });
});
