/**
 * The same load against the microservices and the monolith, in one sitting, alternated.
 *
 *   npm run compare:architectures -- [--quick] [--rounds 3] [--browse-from 20] [--browse-by 20]
 *       [--browse-to 400] [--browse-duration 8s] [--slo-p99 250] [--checkout-rates 5,20,40]
 *       [--checkout-duration 20s] [--warmup 8s] [--fault-rate 10] [--fault-duration 45s] [--fault-at 10s]
 *       [--card-down 15s] [--users 20] [--card-latency 50] [--settle-timeout 60s] [--no-build]
 *       [--out tmp/architectures] [--render-only]
 *
 * Each round starts a fresh stack of each architecture (free ports, temporary databases, the
 * microservices' own broker, telemetry off, the card network answering in --card-latency ms), warms
 * both up, then runs every scenario on one and then the other, the order swapped every round: the
 * stacks at rest (memory, connections), the browse step test (highest rate within the SLO), checkouts at
 * each fixed rate (POST and settle latency, CPU per checkout, memory), and the two faults during
 * checkouts at --fault-rate: the process holding payments killed, and the card network unreachable.
 * The CPU and memory of every process are sampled from /proc twice a second throughout. --quick is one
 * short round (a few minutes). Writes results.json, report.md and the charts (*.svg) to --out, and
 * each run's load-generator reports under --out/round-<n>/; --render-only makes report.md and the
 * charts again from --out/results.json.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Architecture } from '@shop/stack';
import { describeMachine, loadAverage, machine, retrying, runScript } from '../../benchmarks/bench-kit';
import { runFault } from './faults';
import { readOptions, type CompareOptions } from './options';
import { writeOutputs } from './outputs';
import type { FaultKind, Results } from './results';
import { startSampler } from './sampler';
import { measureIdle, runBrowse, runCheckout, warmUp } from './scenarios';
import { processGroups, startArchitecture, type ArchitectureStack } from './stacks';

const say = (line: string) => process.stdout.write(`${line}\n`);

async function runRound(round: number, options: CompareOptions, results: Results): Promise<void> {
  // Alternated: the first architecture of a scenario goes second in the next round.
  const order: Architecture[] =
    round % 2 === 1 ? ['microservices', 'monolith'] : ['monolith', 'microservices'];
  say(
    `\n== round ${round}/${options.rounds}: starting both stacks (${order.join(', then ')}), load average ${loadAverage().join(' / ')}`,
  );
  const stacks: ArchitectureStack[] = [];
  try {
    for (const architecture of order)
      stacks.push(
        await startArchitecture(architecture, {
          round,
          build: round === 1 && !options.noBuild,
          cardLatencyMs: options.cardLatencyMs,
          outDir: options.outDir,
        }),
      );
    const sampler = startSampler(processGroups(stacks));
    try {
      for (const stack of stacks) {
        say(`-- ${stack.architecture}: warm-up (not measured), then ${5} s at rest`);
        await retrying(`${stack.architecture} warm-up`, () => warmUp(stack, options));
        results.idle.push(await measureIdle(stack, sampler, round));
      }
      for (const stack of stacks) {
        say(`-- ${stack.architecture}: browse step test`);
        results.browse.push(await retrying('browse', () => runBrowse(stack, sampler, options, round)));
      }
      for (const rate of options.checkoutRates)
        for (const stack of stacks) {
          say(`-- ${stack.architecture}: checkouts at ${rate}/s`);
          results.checkout.push(
            await retrying('checkout', () => runCheckout(stack, sampler, options, round, rate)),
          );
        }
      for (const fault of ['kill', 'card-network-down'] as FaultKind[])
        for (const stack of stacks) {
          say(`-- ${stack.architecture}: fault ${fault} during checkouts at ${options.fault.rate}/s`);
          results.faults.push(await runFault(stack, options, round, fault));
        }
    } finally {
      sampler.stop();
    }
  } finally {
    for (const stack of [...stacks].reverse()) await stack.stop();
  }
}

async function main(): Promise<void> {
  const options = readOptions();
  const { outDir } = options;
  if (options.renderOnly) {
    writeOutputs(JSON.parse(readFileSync(join(outDir, 'results.json'), 'utf8')) as Results, outDir);
    return;
  }
  mkdirSync(outDir, { recursive: true });
  const host = machine();
  say(
    `Comparing the microservices and the monolith: ${options.rounds} round(s)${options.quick ? ' (--quick)' : ''}\n${describeMachine(host)}`,
  );
  const results: Results = {
    experiment: 'architectures',
    measuredAt: new Date().toISOString(),
    machine: host,
    loadAverageAtEnd: [],
    settings: {
      rounds: options.rounds,
      quick: options.quick,
      browseSteps: `${options.browse.from}..${options.browse.to} by ${options.browse.by}/s, ${options.browse.durationMs / 1000} s each`,
      sloP99Ms: options.browse.sloP99Ms,
      checkoutRates: options.checkoutRates,
      checkoutDurationS: options.checkoutDurationMs / 1000,
      warmupS: options.warmupMs / 1000,
      fault: {
        rate: options.fault.rate,
        durationS: options.fault.durationMs / 1000,
        atS: options.fault.atMs / 1000,
        cardDownS: options.fault.cardDownMs / 1000,
      },
      users: options.users,
      cardNetworkLatencyMs: Number(options.cardLatencyMs),
      settleTimeoutS: options.settleTimeoutMs / 1000,
    },
    idle: [],
    browse: [],
    checkout: [],
    faults: [],
  };
  for (let round = 1; round <= options.rounds; round++) {
    await runRound(round, options, results);
    // Written after every round: an interrupted comparison keeps what it measured.
    results.loadAverageAtEnd = loadAverage();
    writeOutputs(results, outDir);
  }
}

runScript(main);
