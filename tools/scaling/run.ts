/**
 * One run of the experiment: a fresh stack with `replicas` of the app, the load generator's step mode
 * against it, and the CPU of every process of the stack sampled from /proc while it ran.
 */
import { Writable } from 'node:stream';
import { join, relative } from 'node:path';
import { runLoadTest } from '@shop/load-generator';
import {
  busiest,
  cpuSnapshot,
  loadAverage,
  stackProcessGroups,
  startBenchStack,
  WORKSPACE_ROOT,
  waitForQuiet,
  type CpuSnapshot,
} from '../../benchmarks/bench-kit';
import { cpuMsPerArrival, stepCpu } from './cpu-by-step';
import type { ExperimentOptions } from './options';
import type { RunResult, StepResult } from './results';

export const SAMPLE_EVERY_MS = 500;

/** A progress stream that notes when the first step began: the run's second 0 of the timeline. */
function progressWatcher(echo: NodeJS.WritableStream): { stream: Writable; runStart(): number | undefined } {
  let runStart: number | undefined;
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const text = chunk.toString();
      // load-test.ts takes its run start 50 ms after the line before the first step.
      if (runStart === undefined && /^step 1\//m.test(text)) runStart = performance.now() + 50;
      // Chunks end in a newline: indenting only lines with text keeps the next chunk from doubling it.
      echo.write(text.replace(/^(?=.)/gm, '    '));
      done();
    },
  });
  return { stream, runStart: () => runStart };
}

export async function runWith(replicas: number, options: ExperimentOptions): Promise<RunResult> {
  const { app } = options;
  const quiet = await waitForQuiet(options.quietBelowPercent, options.quietTimeoutS);
  process.stdout.write(
    `\n== ${app} x${replicas}: starting the stack (machine ${quiet.busyPercent}% busy with other work` +
      `${quiet.waitedS >= 3.5 ? ` after waiting ${quiet.waitedS} s for it to calm down` : ''})...\n`,
  );
  const bench = await startBenchStack({
    label: `scale_${replicas}`,
    scale: { [app]: replicas },
    env: {
      CARD_NETWORK_LATENCY_MS: options.cardLatencyMs,
      KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY: options.partitionsAtOnce,
    },
    build: replicas === 1 && !options.noBuild,
  });
  const snapshots: CpuSnapshot[] = [];
  let sampler: NodeJS.Timeout | undefined;
  try {
    const groups = stackProcessGroups(bench.stack);
    sampler = setInterval(() => snapshots.push(cpuSnapshot(groups)), SAMPLE_EVERY_MS);
    const watcher = progressWatcher(process.stdout);
    const reportDir = join(options.outDir, `replicas-${replicas}`);
    const { report } = await runLoadTest({
      target: bench.stack.gatewayUrl,
      scenario: options.scenario,
      rate: options.steps.to,
      durationMs: options.steps.durationMs,
      users: options.users,
      steps: options.steps,
      outDir: reportDir,
      progress: watcher.stream,
    });
    snapshots.push(cpuSnapshot(groups));
    clearInterval(sampler);
    const runStart = watcher.runStart();
    if (runStart === undefined) throw new Error('the load generator never reported its first step');

    const steps: StepResult[] = (report.steps ?? []).map((step) => {
      const cpu = stepCpu(report, runStart, snapshots, step.targetRate);
      return {
        rate: step.targetRate,
        pass: step.pass,
        ...(step.reason && { reason: step.reason }),
        achievedRate: step.achievedRate,
        p50Ms: step.latencyMs.p50,
        p99Ms: step.latencyMs.p99,
        ...(step.settleMs && { settleP50Ms: step.settleMs.p50, settleP99Ms: step.settleMs.p99 }),
        errors: step.errors + step.dropped,
        cpu,
        cpuMsPerArrival: cpuMsPerArrival(cpu, step.targetRate),
      };
    });
    const maxRate = report.step?.maxRatePassing ?? null;
    const atMax = steps.find((step) => step.rate === maxRate);
    const final = steps.at(-1);
    if (!final) throw new Error('no step ran');
    const result: RunResult = {
      replicas,
      maxRate,
      p99AtMaxMs: atMax?.p99Ms ?? null,
      settleP99AtMaxMs: atMax?.settleP99Ms ?? null,
      efficiency: null,
      finalStep: { rate: final.rate, pass: final.pass, ...(final.reason && { reason: final.reason }) },
      busiestAtFinalStep: busiest(final.cpu),
      machineBusyAtFinalStep: final.cpu['machine busy'] ?? NaN,
      loadAverage: loadAverage(),
      steps,
      reportDir: relative(WORKSPACE_ROOT, reportDir),
    };
    const settle = result.settleP99AtMaxMs === null ? '' : `, settle p99 ${result.settleP99AtMaxMs} ms`;
    process.stdout.write(
      `   ${app} x${replicas}: max ${maxRate ?? 'none'}/s (p99 ${result.p99AtMaxMs ?? '-'} ms${settle}); final step ` +
        `${final.rate}/s busiest ${result.busiestAtFinalStep.name} ${result.busiestAtFinalStep.cpuPercent}%; ` +
        `load average ${result.loadAverage.join(' / ')}\n`,
    );
    return result;
  } finally {
    if (sampler) clearInterval(sampler);
    await bench.stop();
  }
}
