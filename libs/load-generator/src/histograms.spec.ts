import { createHistogram, recordMs, summarize, summarizeMs } from './histograms';

describe('percentile summary', () => {
  it('reports p50, p90, p99, p99.9 and max in ms of 1..1000 ms', () => {
    const summary = summarizeMs(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(summary.count).toBe(1000);
    // HdrHistogram with 3 significant digits: within 0.1%.
    expect(summary.p50).toBeCloseTo(500, -1);
    expect(summary.p90).toBeCloseTo(900, -1);
    expect(summary.p99).toBeCloseTo(990, -1);
    expect(summary.p999).toBeCloseTo(999, -1);
    expect(summary.max).toBeCloseTo(1000, -1);
    expect(summary.mean).toBeCloseTo(500.5, 0);
  });

  it('keeps sub-millisecond resolution (recorded in microseconds)', () => {
    const summary = summarizeMs([0.25, 0.25, 0.25, 0.5]);
    expect(summary.p50).toBe(0.25);
    expect(summary.max).toBe(0.5);
  });

  it('sees one slow outlier in a thousand at p99.9 and max but not at p99', () => {
    const summary = summarizeMs([...Array.from({ length: 999 }, () => 10), 5000]);
    expect(summary.p99).toBeCloseTo(10, 0);
    expect(summary.p999).toBeCloseTo(10, 0);
    expect(summary.max).toBeCloseTo(5000, -1);
  });

  it('summarises an empty histogram as zeros with count 0', () => {
    expect(summarize(createHistogram())).toEqual({
      count: 0,
      mean: 0,
      p50: 0,
      p90: 0,
      p99: 0,
      p999: 0,
      max: 0,
    });
  });

  it('records past the initial range (an hour) and negative clock noise without throwing', () => {
    const histogram = createHistogram();
    recordMs(histogram, -0.01);
    recordMs(histogram, 2 * 3_600_000);
    expect(summarize(histogram).max).toBeCloseTo(7_200_000, -4);
  });
});
