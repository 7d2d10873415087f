/**
 * The open-model driver: starts one request per intended start time, whatever is still in flight, and
 * measures every latency from the intended start, not from when the request actually went out. If the
 * generator itself falls behind (a blocked event loop, the in-flight cap), the requests it owes are sent
 * late and their wait is part of their latency: a stall shows up as many slow samples, never as samples
 * that are missing (the "coordinated omission" of closed-loop tools).
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface Clock {
  /** Monotonic milliseconds. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => sleep(ms),
};

export interface Outcome {
  ok: boolean;
  /** What went wrong, as counted in the report ("HTTP 503", "ECONNRESET", "timeout", ...). */
  errorKind?: string;
}

export interface Completion {
  intendedAt: number;
  startedAt: number;
  endedAt: number;
  /** From the intended start to the end: what a user arriving at `intendedAt` would have waited. */
  latencyMs: number;
  /** How late the generator sent it. */
  startLagMs: number;
  outcome: Outcome;
}

export interface OpenLoopOptions {
  /** Intended start times in ms after `startAt`, ascending. */
  offsetsMs: Iterable<number>;
  /** Clock time of offset 0. */
  startAt: number;
  clock?: Clock;
  /** Safety cap on requests in flight; arrivals over it wait in a backlog and start late. */
  maxInFlight: number;
  /** Arrivals beyond this many waiting are dropped and counted (default: as many as `maxInFlight`). */
  maxBacklog?: number;
  /** A start later than this counts as a late start (default 10 ms). */
  lateStartThresholdMs?: number;
  /** Sends one request; a rejection counts as an error of kind "exception". */
  fire(intendedAt: number): Promise<Outcome>;
  onComplete(completion: Completion): void;
  onDropped?(intendedAt: number): void;
}

export interface OpenLoopResult {
  scheduled: number;
  started: number;
  completed: number;
  dropped: number;
  lateStarts: number;
  maxInFlightSeen: number;
}

/** Runs the schedule to its end and resolves once every request it started has completed. */
export async function runOpenLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const clock = options.clock ?? realClock;
  const maxBacklog = options.maxBacklog ?? options.maxInFlight;
  const lateThreshold = options.lateStartThresholdMs ?? 10;
  const result: OpenLoopResult = {
    scheduled: 0,
    started: 0,
    completed: 0,
    dropped: 0,
    lateStarts: 0,
    maxInFlightSeen: 0,
  };
  const backlog: number[] = [];
  let inFlight = 0;
  let allDone: (() => void) | undefined;

  const start = (intendedAt: number): void => {
    inFlight++;
    result.started++;
    result.maxInFlightSeen = Math.max(result.maxInFlightSeen, inFlight);
    const startedAt = clock.now();
    const startLagMs = Math.max(0, startedAt - intendedAt);
    if (startLagMs > lateThreshold) result.lateStarts++;
    let fired: Promise<Outcome>;
    try {
      fired = options.fire(intendedAt);
    } catch (error) {
      fired = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    void fired
      .catch((): Outcome => ({ ok: false, errorKind: 'exception' }))
      .then((outcome) => {
        const endedAt = clock.now();
        inFlight--;
        result.completed++;
        options.onComplete({
          intendedAt,
          startedAt,
          endedAt,
          latencyMs: endedAt - intendedAt,
          startLagMs,
          outcome,
        });
        const next = backlog.shift();
        if (next !== undefined) start(next);
        else if (inFlight === 0) allDone?.();
      });
  };

  const arrive = (intendedAt: number): void => {
    result.scheduled++;
    if (inFlight < options.maxInFlight) start(intendedAt);
    else if (backlog.length < maxBacklog) backlog.push(intendedAt);
    else {
      result.dropped++;
      options.onDropped?.(intendedAt);
    }
  };

  for (const offset of options.offsetsMs) {
    const due = options.startAt + offset;
    const wait = due - clock.now();
    // Timers are only good to about a millisecond; anything due within it starts now.
    if (wait > 1) await clock.sleep(wait);
    arrive(due);
  }

  if (inFlight > 0 || backlog.length > 0) {
    await new Promise<void>((resolve) => {
      allDone = resolve;
    });
  }
  return result;
}
