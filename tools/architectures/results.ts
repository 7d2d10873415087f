/** What the comparison records: results.json's shape, one entry per measured run. */
import type { Architecture } from '@shop/stack';
import type { Machine } from '../../benchmarks/bench-kit';

export type { Architecture };

/** CPU and memory of the processes while one run's load was on. */
export interface Resources {
  /** Percent of one core per process group over the window (`<architecture>/<process>`, ...). */
  cpu: Record<string, number>;
  /** The measured architecture's own processes together: apps, broker, mail catcher, its Postgres backends. */
  shopCpuPercent: number;
  /** The other architecture's stack, idle meanwhile (both stay up during a round). */
  idleStackCpuPercent: number;
  /** Busy time of the whole machine (all cores, percent of one core) and the part no process here explains. */
  machineBusyPercent: number;
  otherWorkPercent: number;
  /** Highest resident memory per process of the measured architecture (MiB); Postgres backends apart. */
  rssMiB: Record<string, number>;
  windowS: number;
}

/** The stack at rest after a warm-up: how many processes, how much memory, how much CPU doing nothing. */
export interface IdleRun {
  architecture: Architecture;
  round: number;
  /** Resident memory per app process, broker and mail catcher (MiB). */
  rssMiB: Record<string, number>;
  /** Connections to Postgres held by the stack (its backends). */
  postgresBackends: number;
  /** Resident memory of those backends, summed (MiB); mostly shared buffers, counted once per backend. */
  postgresBackendsRssMiB: number;
  cpuPercent: number;
}

export interface BrowseStep {
  rate: number;
  pass: boolean;
  reason?: string;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  /** CPU milliseconds of the architecture's processes per request (a browse is two GETs). */
  cpuMsPerArrival: number;
  shopCpuPercent: number;
}

/** The browse step test: the highest rate whose p99 stays within the SLO with < 1% errors. */
export interface BrowseRun {
  architecture: Architecture;
  round: number;
  maxRate: number | null;
  p50AtMaxMs: number | null;
  p99AtMaxMs: number | null;
  steps: BrowseStep[];
  reportDir: string;
}

/** Checkouts at one fixed rate: the POST's latency, the saga's settle latency, what they cost. */
export interface CheckoutRun {
  architecture: Architecture;
  round: number;
  rate: number;
  requests: number;
  accepted: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  settleP50Ms: number;
  settleP99Ms: number;
  settled: number;
  timedOut: number;
  /** CPU milliseconds of the architecture's processes per accepted checkout, its settling included. */
  cpuMsPerCheckout: number;
  resources: Resources;
  reportDir: string;
}

export type FaultKind = 'kill' | 'card-network-down';

/** One second of a fault run: POSTs answered (202 or not) and orders settled in that second. */
export interface FaultSecond {
  t: number;
  accepted: number;
  failed: number;
  settled: number;
}

/** What a fault did to the checkouts around it. */
export interface FaultSummary {
  /** Arrivals of the run: POSTs answered 202, and those that failed (any other answer, no answer). */
  accepted: number;
  failed: number;
  /** The same, in the fault window (from the injection to the end of the longest settle gap after it). */
  acceptedInWindow: number;
  failedInWindow: number;
  /** The window's last second (its first is the injection's). */
  windowToS: number;
  /** The longest stretch of seconds after the injection in which no order settled, while some were pending. */
  settleGapS: number;
  /** Orders that reached CONFIRMED/CANCELLED, and those still pending at the settle deadline. */
  settled: number;
  timedOut: number;
  /** settled / accepted. */
  completeness: number;
  settleP50Ms: number;
  settleP99Ms: number;
  settleMaxMs: number;
}

export interface FaultRun {
  architecture: Architecture;
  round: number;
  fault: FaultKind;
  /** The process killed, or the dependency made to fail. */
  target: string;
  rate: number;
  durationS: number;
  /** Seconds of the run (0 = the first second under load). */
  injectedAtS: number;
  /** When the fault ended: the flag switched off, or the supervisor's new process started. */
  clearedAtS: number | null;
  /** Seconds in which the public API's /healthz failed to answer 200, by a probe every 200 ms. */
  apiDownS: number;
  summary: FaultSummary;
  timeline: FaultSecond[];
  reportDir: string;
}

export interface Results {
  experiment: 'architectures';
  measuredAt: string;
  machine: Machine;
  loadAverageAtEnd: number[];
  /** The command line's settings, for reproducing the run. */
  settings: Record<string, unknown>;
  idle: IdleRun[];
  browse: BrowseRun[];
  checkout: CheckoutRun[];
  faults: FaultRun[];
}
