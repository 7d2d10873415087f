/**
 * Step mode's verdict: a rate is sustained when its p99 stays under the SLO and fewer than 1% of its
 * arrivals failed (dropped ones included). The answer is the highest rate before the first step that
 * missed: past the knee a later step that happens to pass is luck, not capacity.
 */
export const MAX_ERROR_RATE = 0.01;

export interface StepFigures {
  targetRate: number;
  requests: number;
  errorRate: number;
  latencyMs: { p99: number };
}

export interface StepVerdict {
  pass: boolean;
  /** Why it failed, for the report. */
  reason?: string;
}

export function judgeStep(step: StepFigures, sloP99Ms: number, maxErrorRate = MAX_ERROR_RATE): StepVerdict {
  const reasons: string[] = [];
  if (step.requests === 0) reasons.push('no requests');
  if (!(step.latencyMs.p99 < sloP99Ms)) reasons.push(`p99 ${step.latencyMs.p99} ms >= ${sloP99Ms} ms`);
  if (!(step.errorRate < maxErrorRate))
    reasons.push(`error rate ${(step.errorRate * 100).toFixed(2)}% >= ${(maxErrorRate * 100).toFixed(2)}%`);
  return reasons.length === 0 ? { pass: true } : { pass: false, reason: reasons.join('; ') };
}

/** The highest rate of the steps (in the order run) before the first failure; null if the first failed. */
export function maxSustainableRate(steps: readonly { targetRate: number; pass: boolean }[]): number | null {
  let best: number | null = null;
  for (const step of steps) {
    if (!step.pass) break;
    best = step.targetRate;
  }
  return best;
}
