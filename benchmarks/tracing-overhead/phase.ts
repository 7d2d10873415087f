/**
 * One phase: a fresh stack with one variant's telemetry settings, its users, the warm-up and the
 * measured window, and the CPU and exports counted over that window. A round's phases run one after
 * the other or, side by side, all at once.
 */
import { join } from 'node:path';
import { startStack, type Stack } from '@shop/stack';
import {
  adminConnection,
  machineTicks,
  retrying,
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
  type PhaseProcesses,
  type ProcessSample,
} from './cpu-accounting';
import { startCheckoutMails, type CheckoutMails } from './checkout-mails';
import { prepareCustomers, runLoad, type Customer, type LoadResult } from './load';
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
  /** The variant's own OTLP sink, so that what each phase exports is counted apart. */
  sink: OtlpSink;
  /** Customers checking out at the same time on this phase's stack. */
  concurrency: number;
  /** The run's id, shared by its phases. */
  run: string;
  /** Counts every phase started (retries too): names its databases and log folder; the first builds. */
  nextIndex: () => number;
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

/** A phase's stack, up and with its customers signed up, ready for the load. */
interface ReadyPhase {
  spec: PhaseSpec;
  sink: OtlpSink;
  stack: Stack;
  mails: CheckoutMails;
  customers: Customer[];
  databasePrefix: string;
  startedAt: Date;
  stackStartS: number;
}

async function startPhase(spec: PhaseSpec, options: TracingOptions): Promise<ReadyPhase> {
  const { variant, run } = spec;
  const index = spec.nextIndex();
  const databasePrefix = `bench_${run}_${index}_`;
  const startedAt = new Date();
  const stackStart = performance.now();
  // The email service sends to the benchmark itself: the mails are how it knows a checkout finished.
  const mails = await startCheckoutMails();
  let stack: Stack | undefined;
  try {
    stack = await startStack({
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
    const customers = await prepareCustomers(stack.gatewayUrl, `${run}-${index}`, spec.concurrency);
    return { spec, sink: spec.sink, stack, mails, customers, databasePrefix, startedAt, stackStartS };
  } catch (error) {
    if (stack) await stopQuietly(stack);
    await mails.stop();
    throw error;
  }
}

async function stopPhase(phase: ReadyPhase): Promise<void> {
  await stopQuietly(phase.stack);
  await phase.mails.stop();
}

/** Runs the ready phases' loads at the same time, each measured over its own window. */
async function measure(
  ready: readonly ReadyPhase[],
  options: TracingOptions,
  quiet: PhaseResult['idleCheck'],
): Promise<PhaseResult[]> {
  const siblingsOf = (phase: ReadyPhase): PhaseProcesses['siblings'] => {
    const others = ready.filter((other) => other !== phase);
    return {
      pids: new Set(
        others.flatMap((other) => [
          ...other.stack.processes.map((app) => app.pid() ?? -1),
          other.stack.brokerPid ?? -1,
          other.sink.child.pid ?? -1,
        ]),
      ),
      databasePrefixes: others.map((other) => other.databasePrefix),
    };
  };
  const measured = await Promise.all(
    ready.map(async (phase) => {
      const label = labeller({
        stack: phase.stack,
        sinkPid: phase.sink.child.pid ?? -1,
        databasePrefix: phase.databasePrefix,
        siblings: siblingsOf(phase),
      });
      // Taken when the warm-up ends, from a timer; the sink's answer is awaited once the load is over.
      let before:
        | { processes: Map<number, ProcessSample>; machine: WindowEdge['machine']; sink: Promise<SinkStats> }
        | undefined;
      const load = await runLoad(
        phase.stack.gatewayUrl,
        phase.customers,
        phase.mails,
        { ...options, concurrency: phase.spec.concurrency },
        () => {
          before = { processes: sampleProcesses(), machine: machineTicks(), sink: phase.sink.stats() };
        },
      );
      const after: WindowEdge = {
        processes: sampleProcesses(),
        machine: machineTicks(),
        sink: await phase.sink.stats(),
      };
      if (!before) throw new Error('the measured window never started');
      return { phase, load, label, before: { ...before, sink: await before.sink }, after };
    }),
  );
  return measured.map(({ phase, load, label, before, after }) => ({
    round: phase.spec.round,
    variant: phase.spec.variant.spec,
    startedAt: phase.startedAt.toISOString(),
    stackStartS: round(phase.stackStartS, 1),
    idleCheck: quiet,
    // One load generator drives every stack that runs at the same time: each is charged its share.
    ...figures(
      before,
      after,
      { ...load, clientCpuMs: load.clientCpuMs / ready.length },
      label,
      options.durationS,
    ),
  }));
}

/**
 * One round's phases, each on a fresh stack: one after the other (alternating), or all at the same
 * time (side by side), so that whatever the machine does during the window, every variant gets it.
 */
export async function runPhases(
  specs: readonly PhaseSpec[],
  options: TracingOptions,
  onPhase: (result: PhaseResult) => void,
): Promise<void> {
  if (!options.sideBySide) {
    for (const spec of specs) {
      const result = await retrying(`round ${spec.round}, ${spec.variant.spec}`, async () => {
        const quiet = await quietMachine(options);
        const phase = await startPhase(spec, options);
        try {
          return (await measure([phase], options, quiet))[0] as PhaseResult;
        } finally {
          await stopPhase(phase);
        }
      });
      onPhase(result);
    }
    return;
  }
  const results = await retrying(`round ${specs[0]?.round ?? '?'}, side by side`, async () => {
    const quiet = await quietMachine(options);
    const ready: ReadyPhase[] = [];
    try {
      for (const spec of specs) ready.push(await startPhase(spec, options));
      return await measure(ready, options, quiet);
    } finally {
      for (const phase of ready) await stopPhase(phase);
    }
  });
  results.forEach(onPhase);
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
