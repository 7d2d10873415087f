/** What the experiment records: results.json's shape, per run and per step, and the derived efficiency. */
import type { StepOptions } from '@shop/load-generator';
import { round, type Machine } from '../../benchmarks/bench-kit';

export interface StepResult {
  rate: number;
  pass: boolean;
  reason?: string;
  achievedRate: number;
  p50Ms: number;
  p99Ms: number;
  settleP50Ms?: number;
  settleP99Ms?: number;
  errors: number;
  /** Percent of one core per process group over the step's arrival window. */
  cpu: Record<string, number>;
  /**
   * CPU milliseconds one checkout cost: the shop's processes (apps, broker, mail catcher, the stack's
   * Postgres backends) and the load generator. Unlike the rate at the SLO, this hardly depends on how
   * much of the machine other work took.
   */
  cpuMsPerArrival: { shop: number; loadGenerator: number };
}

export interface RunResult {
  replicas: number;
  maxRate: number | null;
  p99AtMaxMs: number | null;
  settleP99AtMaxMs: number | null;
  efficiency: number | null;
  finalStep: { rate: number; pass: boolean; reason?: string };
  busiestAtFinalStep: { name: string; cpuPercent: number };
  machineBusyAtFinalStep: number;
  loadAverage: number[];
  steps: StepResult[];
  reportDir: string;
}

export interface Results {
  experiment: 'scaling';
  measuredAt: string;
  app: string;
  scenario: string;
  machine: Machine;
  loadAverageAtEnd: number[];
  settings: {
    /** The steps and the SLO that judged them (`sloSettleP99Ms` only when the settle latency did too). */
    steps: StepOptions;
    users: number;
    env: Record<string, string>;
    cpuSampleEveryMs: number;
    cpuUnit: string;
  };
  runs: RunResult[];
}

/** Scaling efficiency rate(n) / (n x rate(1)), set on each run: 1 is linear. */
export function setEfficiency(runs: RunResult[]): void {
  const base = runs[0]?.maxRate;
  for (const run of runs) {
    run.efficiency = base && run.maxRate !== null ? round(run.maxRate / (run.replicas * base), 3) : null;
  }
}
