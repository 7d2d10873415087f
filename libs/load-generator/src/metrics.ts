/**
 * What a run records: per phase (one rate held for a while; a step run has several), per operation,
 * and per second of the run for the timeline. Arrivals are counted in the second they were meant to
 * start; responses and settled orders in the second they completed.
 */
import { createHistogram, recordMs, type Histogram } from './histograms';
import type { Completion } from './open-loop';

export type FinalStatus = 'CONFIRMED' | 'CANCELLED';

export type SettleOutcome =
  | { kind: 'settled'; status: FinalStatus; expected: FinalStatus; settleMs: number; at: number }
  | { kind: 'timeout'; at: number };

export interface SettleCounts {
  settled: number;
  confirmed: number;
  cancelled: number;
  /** Settled in the other state than its card asked for (a visa order cancelled, ...). */
  unexpected: number;
  timedOut: number;
  pollRequests: number;
  pollErrors: number;
  /** Order streams opened to wait for the outcome (`--settle stream`), and those that failed. */
  streams: number;
  streamErrors: number;
}

export interface OperationMetrics {
  latency: Histogram;
  errors: number;
}

export interface PhaseMetrics {
  targetRate: number;
  startAt: number;
  durationMs: number;
  /** When the last response of the phase came in. */
  endAt: number;
  scheduled: number;
  completed: number;
  errors: number;
  dropped: number;
  lateStarts: number;
  latency: Histogram;
  startLag: Histogram;
  settle: Histogram;
  settleCounts: SettleCounts;
  errorKinds: Map<string, number>;
  operations: Map<string, OperationMetrics>;
}

export interface TimelineBucket {
  second: number;
  targetRate: number;
  started: number;
  completed: number;
  errors: number;
  dropped: number;
  latency: Histogram;
  settle: Histogram;
}

export const emptySettleCounts = (): SettleCounts => ({
  settled: 0,
  confirmed: 0,
  cancelled: 0,
  unexpected: 0,
  timedOut: 0,
  pollRequests: 0,
  pollErrors: 0,
  streams: 0,
  streamErrors: 0,
});

const increment = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

export function createMetrics(runStartAt: number) {
  const phases: PhaseMetrics[] = [];
  const buckets: TimelineBucket[] = [];

  // The epsilon keeps float noise (a start time plus 16 000 ms landing on 15 999.999...) out of the index.
  const secondOf = (at: number) => Math.max(0, Math.floor((at - runStartAt) / 1000 + 1e-6));
  const bucketAt = (at: number): TimelineBucket => {
    const second = secondOf(at);
    for (let s = buckets.length; s <= second; s++) {
      buckets.push({
        second: s,
        targetRate: 0,
        started: 0,
        completed: 0,
        errors: 0,
        dropped: 0,
        latency: createHistogram(),
        settle: createHistogram(),
      });
    }
    return buckets[second] as TimelineBucket;
  };

  const current = (): PhaseMetrics => {
    const phase = phases[phases.length - 1];
    if (!phase) throw new Error('no phase started');
    return phase;
  };

  const countError = (phase: PhaseMetrics, kind: string) => {
    phase.errors++;
    increment(phase.errorKinds, kind);
  };

  return {
    phases,
    buckets,

    /** Begins a phase at `targetRate`; the seconds it covers carry that rate in the timeline. */
    startPhase(targetRate: number, startAt: number, durationMs: number): PhaseMetrics {
      const phase: PhaseMetrics = {
        targetRate,
        startAt,
        durationMs,
        endAt: startAt,
        scheduled: 0,
        completed: 0,
        errors: 0,
        dropped: 0,
        lateStarts: 0,
        latency: createHistogram(),
        startLag: createHistogram(),
        settle: createHistogram(),
        settleCounts: emptySettleCounts(),
        errorKinds: new Map(),
        operations: new Map(),
      };
      phases.push(phase);
      const first = secondOf(startAt);
      const last = secondOf(startAt + durationMs - 1);
      for (let second = first; second <= last; second++)
        bucketAt(runStartAt + second * 1000).targetRate = targetRate;
      return phase;
    },

    recordCompletion(completion: Completion, lateStartThresholdMs = 10): void {
      const phase = current();
      phase.scheduled++;
      phase.completed++;
      phase.endAt = Math.max(phase.endAt, completion.endedAt);
      if (completion.startLagMs > lateStartThresholdMs) phase.lateStarts++;
      recordMs(phase.latency, completion.latencyMs);
      recordMs(phase.startLag, completion.startLagMs);
      bucketAt(completion.intendedAt).started++;
      const bucket = bucketAt(completion.endedAt);
      bucket.completed++;
      recordMs(bucket.latency, completion.latencyMs);
      if (!completion.outcome.ok) {
        bucket.errors++;
        countError(phase, completion.outcome.errorKind ?? 'error');
      }
    },

    recordDropped(intendedAt: number): void {
      const phase = current();
      phase.scheduled++;
      phase.dropped++;
      const bucket = bucketAt(intendedAt);
      bucket.started++;
      bucket.dropped++;
    },

    /** One HTTP exchange inside a scenario, timed from when it was actually sent. */
    recordOperation(name: string, ms: number, ok: boolean): void {
      const phase = current();
      let operation = phase.operations.get(name);
      if (!operation) {
        operation = { latency: createHistogram(), errors: 0 };
        phase.operations.set(name, operation);
      }
      recordMs(operation.latency, ms);
      if (!ok) operation.errors++;
    },

    recordPoll(ok: boolean): void {
      const counts = current().settleCounts;
      counts.pollRequests++;
      if (!ok) counts.pollErrors++;
    },

    recordStream(ok: boolean): void {
      const counts = current().settleCounts;
      counts.streams++;
      if (!ok) counts.streamErrors++;
    },

    recordSettle(outcome: SettleOutcome): void {
      const phase = current();
      const counts = phase.settleCounts;
      if (outcome.kind === 'timeout') {
        counts.timedOut++;
        return;
      }
      counts.settled++;
      if (outcome.status === 'CONFIRMED') counts.confirmed++;
      else counts.cancelled++;
      if (outcome.status !== outcome.expected) counts.unexpected++;
      recordMs(phase.settle, outcome.settleMs);
      recordMs(bucketAt(outcome.at).settle, outcome.settleMs);
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
