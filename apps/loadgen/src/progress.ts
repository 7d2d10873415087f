import { summarize } from './histograms';
import type { TimelineBucket } from './metrics';

const pad = (text: string, width: number) => text.padStart(width);

/** One line a second on the terminal: what the last full second did. */
export function formatProgress(
  bucket: TimelineBucket,
  inFlight: number,
  settling: number,
  withSettle: boolean,
): string {
  const latency = summarize(bucket.latency);
  const parts = [
    `${pad(String(bucket.second + 1), 4)}s`,
    `target ${pad(String(bucket.targetRate), 4)}/s`,
    `done ${pad(String(bucket.completed), 4)}/s`,
    `p99 ${pad(latency.count ? latency.p99.toFixed(1) : '-', 7)} ms`,
    `errors ${pad(String(bucket.errors + bucket.dropped), 3)}`,
    `in flight ${pad(String(inFlight), 3)}`,
  ];
  if (withSettle) {
    const settle = summarize(bucket.settle);
    parts.push(`settle p99 ${pad(settle.count ? settle.p99.toFixed(1) : '-', 7)} ms`, `settling ${settling}`);
  }
  return parts.join('  ');
}
