/**
 * Latency histograms (HdrHistogram: fixed relative precision at any magnitude, so a p99 is as exact as a
 * p50 and merging is lossless) and their summary as reported. Values are recorded in microseconds and
 * reported in milliseconds. The pure JavaScript build is used: it needs no asynchronous WebAssembly
 * set-up and is fast enough for a few thousand samples a second.
 */
import * as hdr from 'hdr-histogram-js';

export type Histogram = hdr.Histogram;

export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

/** A histogram for latencies from 1 µs up, 3 significant digits, resizing itself past an hour. */
export function createHistogram(): Histogram {
  return hdr.build({
    bitBucketSize: 'packed',
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
    autoResize: true,
  });
}

/** Records a duration given in (fractional) milliseconds; negative clock noise counts as 1 µs. */
export function recordMs(histogram: Histogram, ms: number): void {
  histogram.recordValue(Math.max(1, Math.round(ms * 1000)));
}

const roundMs = (micros: number) => Math.round(micros / 10) / 100;

/** Percentiles in ms, to 0.01 ms. An empty histogram summarises as all zeros with `count: 0`. */
export function summarize(histogram: Histogram): LatencySummary {
  const count = histogram.totalCount;
  if (count === 0) return { count: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };
  return {
    count,
    mean: roundMs(histogram.mean),
    p50: roundMs(histogram.getValueAtPercentile(50)),
    p90: roundMs(histogram.getValueAtPercentile(90)),
    p99: roundMs(histogram.getValueAtPercentile(99)),
    p999: roundMs(histogram.getValueAtPercentile(99.9)),
    max: roundMs(histogram.maxValue),
  };
}

/** Summarises values given in ms (for tests and small sets). */
export function summarizeMs(values: readonly number[]): LatencySummary {
  const histogram = createHistogram();
  for (const value of values) recordMs(histogram, value);
  return summarize(histogram);
}
