/**
 * report.json: the figures of a run, built from its metrics. The top-level figures cover the whole
 * measured run (every step, in step mode); `steps` has each step's own with its SLO verdict.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArrivalProcess } from './arrival';
import { createHistogram, summarize, type LatencySummary } from './histograms';
import {
  emptySettleCounts,
  type Metrics,
  type PhaseMetrics,
  type SettleCounts,
  type TimelineBucket,
} from './metrics';
import type { ScenarioName } from './scenarios';
import { judgeStep, maxSustainableRate, MAX_ERROR_RATE, type StepSlo } from './step-search';

export interface OperationReport {
  count: number;
  errors: number;
  /** Timed from when the request was actually sent (service time, not the user's wait). */
  latencyMs: LatencySummary;
}

export interface PhaseReport {
  targetRate: number;
  /** Responses per second, from the first intended start to the last response. */
  achievedRate: number;
  /** Planned time under load. */
  durationS: number;
  /** From the first intended start to the last response (>= durationS when responses lag). */
  elapsedS: number;
  /** Arrivals: started and dropped. */
  requests: number;
  completed: number;
  /** Arrivals that failed (a wrong status, a network error, a timeout); dropped ones not included. */
  errors: number;
  /** Arrivals never sent because the in-flight cap and its backlog were full. */
  dropped: number;
  /** Arrivals sent more than 10 ms after their intended start. */
  lateStarts: number;
  /** (errors + dropped) / requests. */
  errorRate: number;
  /** From each arrival's intended start to its response. */
  latencyMs: LatencySummary;
  /** How late the generator sent requests: near zero unless it was overloaded. */
  startLagMs: LatencySummary;
  /** Checkout: from the order's intended start to the event (or poll) that first showed it final. */
  settleMs?: LatencySummary;
  settle?: SettleCounts;
  operations: Record<string, OperationReport>;
  errorKinds: Record<string, number>;
}

export interface StepReport extends PhaseReport {
  pass: boolean;
  reason?: string;
}

type Percentiles = Pick<LatencySummary, 'p50' | 'p90' | 'p99' | 'max'>;

export interface TimelinePoint {
  /** Second of the run (0 = the first second under load). */
  t: number;
  targetRate: number;
  /** Arrivals meant to start in this second. */
  started: number;
  /** Responses that came in during this second (the achieved rate). */
  completed: number;
  errors: number;
  dropped: number;
  latencyMs: Percentiles;
  settled?: number;
  settleMs?: Percentiles;
}

export interface LoadReport extends PhaseReport {
  scenario: ScenarioName;
  arrival: ArrivalProcess;
  target: string;
  startedAt: string;
  settings: Record<string, unknown>;
  timeline: TimelinePoint[];
  steps?: StepReport[];
  step?: StepSlo & {
    maxErrorRate: number;
    /** The highest rate before the first step that missed the SLO; null if the first one did. */
    maxRatePassing: number | null;
  };
}

const round2 = (value: number) => Math.round(value * 100) / 100;
const percentiles = ({ p50, p90, p99, max }: LatencySummary): Percentiles => ({ p50, p90, p99, max });

/** The figures of one or more phases taken together. */
export function phaseReport(phases: readonly PhaseMetrics[], withSettle: boolean): PhaseReport {
  const latency = createHistogram();
  const startLag = createHistogram();
  const settle = createHistogram();
  const settleCounts = emptySettleCounts();
  const errorKinds: Record<string, number> = {};
  const operations = new Map<string, { latency: ReturnType<typeof createHistogram>; errors: number }>();
  let requests = 0;
  let completed = 0;
  let errors = 0;
  let dropped = 0;
  let lateStarts = 0;
  let durationMs = 0;
  for (const phase of phases) {
    latency.add(phase.latency);
    startLag.add(phase.startLag);
    settle.add(phase.settle);
    for (const key of Object.keys(settleCounts) as (keyof SettleCounts)[])
      settleCounts[key] += phase.settleCounts[key];
    for (const [kind, count] of phase.errorKinds) errorKinds[kind] = (errorKinds[kind] ?? 0) + count;
    for (const [name, operation] of phase.operations) {
      const merged = operations.get(name) ?? { latency: createHistogram(), errors: 0 };
      merged.latency.add(operation.latency);
      merged.errors += operation.errors;
      operations.set(name, merged);
    }
    requests += phase.scheduled;
    completed += phase.completed;
    errors += phase.errors;
    dropped += phase.dropped;
    lateStarts += phase.lateStarts;
    durationMs += phase.durationMs;
  }
  const first = phases[0];
  const last = phases[phases.length - 1];
  const elapsedMs = first && last ? Math.max(last.endAt - first.startAt, durationMs) : 0;
  const report: PhaseReport = {
    targetRate: Math.max(0, ...phases.map((phase) => phase.targetRate)),
    achievedRate: elapsedMs > 0 ? round2(completed / (elapsedMs / 1000)) : 0,
    durationS: round2(durationMs / 1000),
    elapsedS: round2(elapsedMs / 1000),
    requests,
    completed,
    errors,
    dropped,
    lateStarts,
    errorRate: requests > 0 ? (errors + dropped) / requests : 0,
    latencyMs: summarize(latency),
    startLagMs: summarize(startLag),
    operations: Object.fromEntries(
      [...operations].map(([name, operation]) => [
        name,
        {
          count: operation.latency.totalCount,
          errors: operation.errors,
          latencyMs: summarize(operation.latency),
        },
      ]),
    ),
    errorKinds,
  };
  if (withSettle) {
    report.settleMs = summarize(settle);
    report.settle = settleCounts;
  }
  return report;
}

export function timelinePoint(bucket: TimelineBucket, withSettle: boolean): TimelinePoint {
  const point: TimelinePoint = {
    t: bucket.second,
    targetRate: bucket.targetRate,
    started: bucket.started,
    completed: bucket.completed,
    errors: bucket.errors,
    dropped: bucket.dropped,
    latencyMs: percentiles(summarize(bucket.latency)),
  };
  if (withSettle) {
    point.settled = bucket.settle.totalCount;
    point.settleMs = percentiles(summarize(bucket.settle));
  }
  return point;
}

export interface ReportContext {
  scenario: ScenarioName;
  arrival: ArrivalProcess;
  target: string;
  startedAt: Date;
  settings: Record<string, unknown>;
  withSettle: boolean;
  /** Step mode's SLO; absent for a run at one rate. */
  slo?: StepSlo;
}

export function buildReport(metrics: Metrics, context: ReportContext): LoadReport {
  const report: LoadReport = {
    scenario: context.scenario,
    arrival: context.arrival,
    target: context.target,
    startedAt: context.startedAt.toISOString(),
    ...phaseReport(metrics.phases, context.withSettle),
    settings: context.settings,
    timeline: metrics.buckets.map((bucket) => timelinePoint(bucket, context.withSettle)),
  };
  const { slo } = context;
  if (slo) {
    const steps = metrics.phases.map((phase): StepReport => {
      const figures = phaseReport([phase], context.withSettle);
      return { ...figures, ...judgeStep(figures, slo) };
    });
    report.steps = steps;
    report.step = {
      sloP99Ms: slo.sloP99Ms,
      ...(slo.sloSettleP99Ms !== undefined && { sloSettleP99Ms: slo.sloSettleP99Ms }),
      maxErrorRate: MAX_ERROR_RATE,
      maxRatePassing: maxSustainableRate(steps),
    };
  }
  return report;
}

export async function writeJsonReport(dir: string, report: LoadReport): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'report.json');
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}
