/**
 * One phase: a fresh stack with one variant's telemetry settings, its users, the warm-up and the
 * measured window, and the CPU and exports counted over that window.
 */
import { join } from 'node:path';
import { startStack, type Stack } from '@shop/stack';
import {
  adminConnection,
  machineTicks,
  round,
  stopQuietly,
  summarize,
  waitForQuiet,
  WORKSPACE_ROOT,
} from '../bench-kit';
import {
  cpuByComponent,
  labeller,
  sampleProcesses,
  SHOP_GROUPS,
  type Labeller,
  type ProcessSample,
} from './cpu-accounting';
import { startCheckoutMails } from './checkout-mails';
import { prepareCustomers, runLoad, type LoadResult } from './load';
import { COMMON_ENV, type TracingOptions } from './options';
import type { OtlpSink, SinkStats } from './otlp-sink-process';
import type { Variant } from './variants';

export interface PhaseResult {
  round: number;
  variant: string;
  startedAt: string;
  stackStartS: number;
  /** How busy the machine was (other work) just before the stack started, and how long we waited for that. */
  idleCheck: { waitedS: number; busyPercent: number };
  /** Completed checkouts (order placed, paid, confirmed, mail sent) per second of the window. */
  throughput: number;
  completed: number;
  errors: Record<string, number>;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  /** CPU seconds per second of the measured window, per process group (2.0 = both cores of 2). */
  cpuCores: Record<string, number>;
  /** CPU milliseconds per completed checkout, per process group. */
  cpuMsPerOrder: Record<string, number>;
  machineBusyPercent: number;
  /**
   * Completed checkouts per CPU second of the shop's own processes (apps, Postgres, broker): throughput
   * with the noise of other work on the machine taken out.
   */
  checkoutsPerShopCpuSecond: number;
  exportedPerSecond: Record<string, { requests: number; kib: number }>;
}

export interface PhaseSpec {
  round: number;
  variant: Variant;
  /** Counts every phase started (retries too): names its databases and log folder; the first builds. */
  index: number;
  /** The run's id, shared by its phases. */
  run: string;
}

/** The processes, the machine and the sink at one edge of the measured window. */
interface WindowEdge {
  processes: Map<number, ProcessSample>;
  machine: ReturnType<typeof machineTicks>;
  sink: SinkStats;
}

async function quietMachine(options: TracingOptions): Promise<{ waitedS: number; busyPercent: number }> {
  const quiet = await waitForQuiet(options.quietBelowPercent, options.quietTimeoutS);
  if (quiet.busyPercent >= options.quietBelowPercent)
    process.stderr.write(
      `  note: the machine is still ${quiet.busyPercent}% busy with other work after ${quiet.waitedS} s; going on\n`,
    );
  return quiet;
}

export async function runPhase(
  spec: PhaseSpec,
  sink: OtlpSink,
  options: TracingOptions,
): Promise<PhaseResult> {
  const { variant, index, run } = spec;
  const quiet = await quietMachine(options);
  const databasePrefix = `bench_${run}_${index}_`;
  const startedAt = new Date();
  const stackStart = performance.now();
  // The email service sends to the benchmark itself: the mails are how it knows a checkout finished.
  const mails = await startCheckoutMails();
  const stack: Stack = await startStack({
    postgres: adminConnection(),
    smtpUrl: mails.url,
    ports: 'free',
    databasePrefix,
    temporaryDatabases: true,
    build: index === 0 && !options.noBuild,
    logDir: join(
      WORKSPACE_ROOT,
      'tmp',
      'bench',
      run,
      `${index}-${variant.spec.replace(/[^a-z0-9]+/gi, '_')}`,
    ),
    env: { ...COMMON_ENV, ...variant.env },
  });
  const stackStartS = (performance.now() - stackStart) / 1000;
  try {
    const customers = await prepareCustomers(stack.gatewayUrl, `${run}-${index}`, options.concurrency);
    const label = labeller(stack, sink.child.pid ?? -1, databasePrefix);
    // Taken when the warm-up ends, from a timer; the sink's answer is awaited once the load is over.
    let before:
      | { processes: Map<number, ProcessSample>; machine: WindowEdge['machine']; sink: Promise<SinkStats> }
      | undefined;
    const load = await runLoad(stack.gatewayUrl, customers, mails, options, () => {
      before = { processes: sampleProcesses(), machine: machineTicks(), sink: sink.stats() };
    });
    const after: WindowEdge = {
      processes: sampleProcesses(),
      machine: machineTicks(),
      sink: await sink.stats(),
    };
    if (!before) throw new Error('the measured window never started');
    const start: WindowEdge = { ...before, sink: await before.sink };
    return {
      round: spec.round,
      variant: variant.spec,
      startedAt: startedAt.toISOString(),
      stackStartS: round(stackStartS, 1),
      idleCheck: quiet,
      ...figures(start, after, load, label, options.durationS),
    };
  } finally {
    await stopQuietly(stack);
    await mails.stop();
  }
}

/** The window's figures: throughput, latency, CPU by process group, what was exported. */
function figures(
  before: WindowEdge,
  after: WindowEdge,
  load: LoadResult,
  label: Labeller,
  durationS: number,
): Omit<PhaseResult, 'round' | 'variant' | 'startedAt' | 'stackStartS' | 'idleCheck'> {
  const cpuSeconds = cpuByComponent(before.processes, after.processes, label);
  // The load generator's own figure from process.cpuUsage is exact to the window.
  cpuSeconds['load generator'] = load.clientCpuMs / 1000;
  const cpuCores: Record<string, number> = {};
  const cpuMsPerOrder: Record<string, number> = {};
  for (const [name, seconds] of Object.entries(cpuSeconds)) {
    cpuCores[name] = round(seconds / durationS, 3);
    cpuMsPerOrder[name] = round((seconds * 1000) / Math.max(1, load.completed), 3);
  }
  const shopCpuSeconds = Object.entries(cpuSeconds)
    .filter(([name]) => SHOP_GROUPS(name))
    .reduce((sum, [, seconds]) => sum + seconds, 0);
  const machine = after.machine.total - before.machine.total;
  const exportedPerSecond: PhaseResult['exportedPerSecond'] = {};
  for (const signal of ['traces', 'metrics', 'logs'] as const) {
    exportedPerSecond[signal] = {
      requests: round((after.sink[signal].requests - before.sink[signal].requests) / durationS, 1),
      kib: round((after.sink[signal].bytes - before.sink[signal].bytes) / 1024 / durationS, 1),
    };
  }
  const { p50, p90, p99, max, mean } = summarize(load.latenciesMs, 2);
  return {
    throughput: round(load.completed / durationS, 1),
    completed: load.completed,
    errors: load.errors,
    latencyMs: { p50, p90, p99, max, mean },
    cpuCores,
    cpuMsPerOrder,
    machineBusyPercent: round(
      machine > 0 ? ((after.machine.busy - before.machine.busy) / machine) * 100 : NaN,
      1,
    ),
    checkoutsPerShopCpuSecond: round(load.completed / Math.max(0.001, shopCpuSeconds), 2),
    exportedPerSecond,
  };
}
