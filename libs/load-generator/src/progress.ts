import { summarize } from './histograms';
import type { TimelineBucket } from './metrics';
import type { StepReport } from './report-json';

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

/** A step's figures and verdict, once its requests are answered and its orders settled. */
export function formatStepResult(step: StepReport): string {
  const parts = [`p99 ${step.latencyMs.p99} ms`];
  if (step.settleMs && step.settle)
    parts.push(
      `settle p99 ${step.settleMs.p99} ms` +
        (step.settle.timedOut > 0 ? ` (${step.settle.timedOut} timed out)` : ''),
    );
  parts.push(`errors ${step.errors + step.dropped}`);
  return `step ${step.targetRate}/s: ${parts.join(', ')}: ${step.pass ? 'pass' : `fail (${step.reason ?? ''})`}`;
}
