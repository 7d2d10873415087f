import { createMetrics } from '../src/metrics';
import { buildReport, type LoadReport } from '../src/report-json';
import type { StepSlo } from '../src/step-search';

/**
 * A report built from made-up samples (no server): a checkout at `rates` (one step each, 10 s), with
 * latencies that grow with the rate, one error in a hundred from 60/s up, and settled orders; with
 * `slo`, judged as step mode.
 */
export function syntheticReport(rates: number[] = [50], slo?: StepSlo): LoadReport {
  const metrics = createMetrics(0);
  let phaseStart = 0;
  for (const rate of rates) {
    metrics.startPhase(rate, phaseStart, 10_000);
    const count = rate * 10;
    for (let i = 0; i < count; i++) {
      const intendedAt = phaseStart + (i * 1000) / rate;
      const latencyMs = 5 + (rate / 10) * (1 + Math.sin(i / 7)) + (i % 211 === 0 ? rate : 0);
      const failed = rate >= 60 && i % 100 === 0;
      metrics.recordCompletion({
        intendedAt,
        startedAt: intendedAt,
        endedAt: intendedAt + latencyMs,
        latencyMs,
        startLagMs: 0.2,
        outcome: failed ? { ok: false, errorKind: 'HTTP 503' } : { ok: true },
      });
      metrics.recordOperation('POST /v1/orders', latencyMs - 0.2, !failed);
      if (!failed) {
        // The saga slows down as the rate grows, more than the POST does.
        const settleMs = latencyMs + 80 + (i % 10) * 5 + rate * 2;
        const declined = i % 10 === 0;
        metrics.recordSettle({
          kind: 'settled',
          status: declined ? 'CANCELLED' : 'CONFIRMED',
          expected: declined ? 'CANCELLED' : 'CONFIRMED',
          settleMs,
          at: intendedAt + settleMs,
        });
        for (let poll = 0; poll < 4; poll++) metrics.recordPoll(true);
      }
    }
    phaseStart += 11_000;
  }
  return buildReport(metrics, {
    scenario: 'checkout',
    arrival: 'constant',
    target: 'http://127.0.0.1:8080',
    startedAt: new Date('2026-11-01T12:00:00Z'),
    settings: { users: 20 },
    withSettle: true,
    ...(slo && { slo }),
  });
}
