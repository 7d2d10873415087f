/**
 * Step mode's verdict: a rate is sustained when its p99 stays under the SLO and fewer than 1% of its
 * arrivals failed (dropped ones included); with a settle SLO, its orders must also settle with a p99
 * under that one and none may time out. The answer is the highest rate before the first step that
 * missed: past the knee a later step that happens to pass is luck, not capacity.
 */
export const MAX_ERROR_RATE = 0.01;

/** What a step is held to. */
export interface StepSlo {
  /** p99 from intended start, ms (the HTTP latency of the arrivals). */
  sloP99Ms: number;
  /**
   * p99 of the checkout settle latency (POST to CONFIRMED/CANCELLED), ms. The HTTP p99 cannot see work
   * done after the 202, such as the payment taken from Kafka: this can.
   */
  sloSettleP99Ms?: number;
}

export interface StepFigures {
  targetRate: number;
  requests: number;
  errorRate: number;
  latencyMs: { p99: number };
  settleMs?: { count: number; p99: number };
  settle?: { timedOut: number };
}

export interface StepVerdict {
  pass: boolean;
  /** Why it failed, for the report. */
  reason?: string;
}

/** Why a step missed the settle SLO; timed-out orders never reach the histogram, so they count apart. */
function settleMisses(step: StepFigures, sloMs: number): string[] {
  const settled = step.settleMs?.count ?? 0;
  const timedOut = step.settle?.timedOut ?? 0;
  const misses: string[] = [];
  if (step.settleMs && settled > 0 && !(step.settleMs.p99 < sloMs))
    misses.push(`settle p99 ${step.settleMs.p99} ms >= ${sloMs} ms`);
  if (timedOut > 0) misses.push(`${timedOut} order${timedOut === 1 ? '' : 's'} timed out settling`);
  // Nothing settled and nothing timed out: the settle SLO was not met, only never tested.
  if (settled === 0 && timedOut === 0) misses.push('no orders settled');
  return misses;
}

export function judgeStep(step: StepFigures, slo: StepSlo, maxErrorRate = MAX_ERROR_RATE): StepVerdict {
  const reasons: string[] = [];
  if (step.requests === 0) reasons.push('no requests');
  if (!(step.latencyMs.p99 < slo.sloP99Ms))
    reasons.push(`p99 ${step.latencyMs.p99} ms >= ${slo.sloP99Ms} ms`);
  if (slo.sloSettleP99Ms !== undefined) reasons.push(...settleMisses(step, slo.sloSettleP99Ms));
  if (!(step.errorRate < maxErrorRate))
    reasons.push(`error rate ${(step.errorRate * 100).toFixed(2)}% >= ${(maxErrorRate * 100).toFixed(2)}%`);
  return reasons.length === 0 ? { pass: true } : { pass: false, reason: reasons.join('; ') };
}

/** The SLO in words, as the summaries print it: "p99 < 500 ms, settle p99 < 3000 ms ..., errors < 1%". */
export function describeSlo(slo: StepSlo, maxErrorRate = MAX_ERROR_RATE): string {
  return [
    `p99 < ${slo.sloP99Ms} ms`,
    ...(slo.sloSettleP99Ms === undefined
      ? []
      : [`settle p99 < ${slo.sloSettleP99Ms} ms with no order timed out`]),
    `errors < ${maxErrorRate * 100}%`,
  ].join(', ');
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
