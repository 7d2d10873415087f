/**
 * The measured scenarios, each on one architecture's stack: the stack at rest, the browse step test,
 * checkouts at a fixed rate. Every run goes through the load generator (`runLoadTest`); its report and
 * the sampler's window of the same seconds make the run's figures.
 */
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { runLoadTest, type LoadReport } from '@shop/load-generator';
import type { CompareOptions } from './options';
import type { BrowseRun, BrowseStep, CheckoutRun, IdleRun } from './results';
import type { Sampler } from './sampler';
import { POSTGRES, type ArchitectureStack } from './stacks';
import { cpuMsPer, groupArchitecture, isPostgres, resourcesOf, round1 } from './summary';

/** The load generator's progress, indented under the comparison's own lines. */
export function indented(echo: NodeJS.WritableStream = process.stdout): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      echo.write(chunk.toString().replace(/^(?=.)/gm, '      '));
      done();
    },
  });
}

/** Epoch ms of the report's second 0: load-test.ts starts the first arrival 50 ms after startedAt. */
export const runStartOf = (report: LoadReport): number => Date.parse(report.startedAt) + 50;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Unmeasured checkouts and browses, so that the first measured run does not pay for the JIT's warm-up. */
export async function warmUp(target: ArchitectureStack, options: CompareOptions): Promise<void> {
  for (const scenario of ['checkout', 'browse'] as const)
    await runLoadTest({
      target: target.stack.gatewayUrl,
      scenario,
      rate: 10,
      durationMs: options.warmupMs,
      users: 5,
      settleTimeoutMs: options.settleTimeoutMs,
    });
}

/** The stack at rest (after the warm-up): its processes' memory, its connections, its idle CPU. */
export async function measureIdle(
  target: ArchitectureStack,
  sampler: Sampler,
  round: number,
  seconds = 5,
): Promise<IdleRun> {
  const from = Date.now();
  await sleep(seconds * 1000);
  const to = Date.now();
  const { cpu } = sampler.window(from, to);
  const latest = sampler.latest();
  const own = (name: string) => groupArchitecture(name)?.architecture === target.architecture;
  const rssMiB: Record<string, number> = {};
  for (const [name, mib] of Object.entries(latest.rssMiB)) {
    const owner = groupArchitecture(name);
    if (owner && own(name) && !isPostgres(owner.process)) rssMiB[owner.process] = round1(mib);
  }
  const postgres = `${target.architecture}/${POSTGRES}`;
  return {
    architecture: target.architecture,
    round,
    rssMiB,
    postgresBackends: latest.processes[postgres] ?? 0,
    postgresBackendsRssMiB: round1(latest.rssMiB[postgres] ?? 0),
    cpuPercent: resourcesOf(target.architecture, { cpu, rssMiB: {} }, (to - from) / 1000).shopCpuPercent,
  };
}

/** The browse step test: steps up to the first that misses the SLO, each step's CPU from its own seconds. */
export async function runBrowse(
  target: ArchitectureStack,
  sampler: Sampler,
  options: CompareOptions,
  round: number,
): Promise<BrowseRun> {
  const reportDir = join(options.outDir, `round-${round}`, target.architecture, 'browse');
  const { report } = await runLoadTest({
    target: target.stack.gatewayUrl,
    scenario: 'browse',
    rate: options.browse.to,
    durationMs: options.browse.durationMs,
    users: options.users,
    steps: options.browse,
    outDir: reportDir,
    progress: indented(),
  });
  const runStart = runStartOf(report);
  const steps: BrowseStep[] = (report.steps ?? []).map((step) => {
    const seconds = report.timeline
      .filter((point) => point.targetRate === step.targetRate)
      .map((point) => point.t);
    const from = runStart + Math.min(...seconds) * 1000;
    const to = runStart + (Math.max(...seconds) + 1) * 1000;
    const resources = sampler.resources(target.architecture, from, to);
    return {
      rate: step.targetRate,
      pass: step.pass,
      ...(step.reason && { reason: step.reason }),
      p50Ms: step.latencyMs.p50,
      p99Ms: step.latencyMs.p99,
      errors: step.errors + step.dropped,
      cpuMsPerArrival: cpuMsPer(resources.shopCpuPercent, resources.windowS, step.requests),
      shopCpuPercent: resources.shopCpuPercent,
    };
  });
  const maxRate = report.step?.maxRatePassing ?? null;
  const atMax = steps.find((step) => step.rate === maxRate);
  return {
    architecture: target.architecture,
    round,
    maxRate,
    p50AtMaxMs: atMax?.p50Ms ?? null,
    p99AtMaxMs: atMax?.p99Ms ?? null,
    steps,
    reportDir,
  };
}

/**
 * Checkouts at `rate` for the configured duration; the resources are those of the whole run, until the
 * last order settled, so the CPU per checkout includes the saga's work after the 202.
 */
export async function runCheckout(
  target: ArchitectureStack,
  sampler: Sampler,
  options: CompareOptions,
  round: number,
  rate: number,
): Promise<CheckoutRun> {
  const reportDir = join(options.outDir, `round-${round}`, target.architecture, `checkout-${rate}`);
  const { report } = await runLoadTest({
    target: target.stack.gatewayUrl,
    scenario: 'checkout',
    rate,
    durationMs: options.checkoutDurationMs,
    users: options.users,
    settleTimeoutMs: options.settleTimeoutMs,
    outDir: reportDir,
    progress: indented(),
  });
  const from = runStartOf(report);
  const to = Date.now();
  const resources = sampler.resources(target.architecture, from, to);
  const accepted = report.completed - report.errors;
  return {
    architecture: target.architecture,
    round,
    rate,
    requests: report.requests,
    accepted,
    errors: report.errors + report.dropped,
    p50Ms: report.latencyMs.p50,
    p99Ms: report.latencyMs.p99,
    settleP50Ms: report.settleMs?.p50 ?? NaN,
    settleP99Ms: report.settleMs?.p99 ?? NaN,
    settled: report.settle?.settled ?? 0,
    timedOut: report.settle?.timedOut ?? 0,
    cpuMsPerCheckout: cpuMsPer(resources.shopCpuPercent, resources.windowS, accepted),
    resources,
    reportDir,
  };
}
