/**
 * Checkout settle latency: from an order's intended start to the event that shows it CONFIRMED or
 * CANCELLED (the saga: outbox -> Kafka -> payments -> card network -> outbox -> Kafka -> orders), with
 * the load generator's checkout scenario against a fresh stack.
 *
 *   npm run bench:settle -- [--rate 20 | --rates 20,50,75,100] [--duration 20s] [--warmup 10s] [--pause 5]
 *                           [--fetch-wait 100,500] [--card-latency 50] [--users 20]
 *                           [--results checkout-settle] [--no-build]
 *
 * One fresh stack per --fetch-wait value (the consumers' KAFKA_FETCH_MAX_WAIT_MS: 100 ms is what the
 * other benchmarks use, 500 ms the apps' default), one after the other. On each stack the rates run in
 * the order given, each for --duration; every order of a rate settles (or times out) and --pause
 * seconds pass before the next rate starts, so one rate's backlog does not count against the next.
 * With --rate (default 20) the fetch waits default to 100,500; with --rates (step mode) to 500 alone.
 * Each stack first takes --warmup of checkouts at the first rate, not counted: a fresh stack's first
 * seconds (code not yet optimised, pools and consumers filling up) are not its steady state.
 *
 * Each rate is judged against the targets: settle p99 < 1 s (no order timed out, errors < 1%), the
 * highest rate before the first one that misses that, and settle p99 < 500 ms at 50 checkouts/s.
 */
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { WORKSPACE_ROOT } from '@shop/stack';
import { describeSlo, parseDuration, runLoadTest, type StepSlo } from '@shop/load-generator';
import { startBenchStack } from './kit/bench-stack';
import { cpuPercent, cpuSnapshot, stackProcessGroups, type ProcessGroups } from './kit/cpu';
import { table, writeResults } from './kit/figures';
import { describeMachine, loadAverage, machine } from './kit/machine';
import { parseList, positiveNumber, retrying, runScript } from './kit/script';

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string' },
    rates: { type: 'string' },
    duration: { type: 'string', default: '20s' },
    warmup: { type: 'string', default: '10s' },
    pause: { type: 'string', default: '5' },
    'fetch-wait': { type: 'string' },
    'card-latency': { type: 'string', default: '50' },
    users: { type: 'string', default: '20' },
    results: { type: 'string', default: 'checkout-settle' },
    'no-build': { type: 'boolean', default: false },
  },
});
if (args.rate !== undefined && args.rates !== undefined)
  throw new Error('--rate and --rates exclude each other');
const STEPPED = args.rates !== undefined;
const RATES = parseList(args.rates ?? args.rate ?? '20').map((value) => positiveNumber('rates', value));
const DURATION_MS = parseDuration(args.duration, '--duration');
// `--warmup 0` skips it.
const WARMUP_MS = args.warmup.trim() === '0' ? 0 : parseDuration(args.warmup, '--warmup');
const PAUSE_MS = Number(args.pause) * 1000;
if (!(PAUSE_MS >= 0)) throw new Error('--pause takes a number of seconds');
const FETCH_WAITS = parseList(args['fetch-wait'] ?? (STEPPED ? '500' : '100,500')).map((value) =>
  positiveNumber('fetch-wait', value),
);
const CARD_LATENCY_MS = String(positiveNumber('card-latency', args['card-latency']));
const USERS = Math.round(positiveNumber('users', args.users));

/**
 * What a rate is held to. The settle latency runs from the order's intended start, so it includes the
 * POST's own time: holding the POST to the same p99 adds nothing but keeps the load generator's verdict.
 */
const SLO: StepSlo = { sloP99Ms: 1000, sloSettleP99Ms: 1000 };
/** The target's operating point: settle p99 under this at this rate. */
const TARGET = { rate: 50, settleP99Ms: 500 };

/** Progress lines, indented under the benchmark's own. */
const indented = new Writable({
  write(chunk: Buffer, _encoding, done) {
    // Only lines with text: a chunk's final newline must not leave the next writer's line indented.
    process.stdout.write(chunk.toString().replace(/^(?=.)/gm, '    '));
    done();
  },
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One rate on a running stack, as a single step of the load generator's step mode: its verdict comes with it. */
/** What the shop's own processes (apps, broker, mail catcher, their Postgres backends) used, of one core. */
function shopCpuPercent(cpu: Record<string, number>): number {
  const notShop = ['machine busy', 'other', 'load generator', 'postgres (server, other)'];
  const total = Object.entries(cpu)
    .filter(([name]) => !notShop.includes(name))
    .reduce((sum, [, value]) => sum + value, 0);
  return Math.round(total * 10) / 10;
}

async function runRate(
  gatewayUrl: string,
  groups: ProcessGroups,
  fetchWait: number,
  rate: number,
  durationMs = DURATION_MS,
) {
  // From the measured phase on: preparing the customers (scrypt for each sign-up) is not a checkout's cost.
  let before = cpuSnapshot(groups);
  const { report } = await runLoadTest({
    onMeasuredStart: () => (before = cpuSnapshot(groups)),
    target: gatewayUrl,
    scenario: 'checkout',
    rate,
    durationMs,
    steps: { from: rate, to: rate, by: rate, durationMs, ...SLO },
    users: USERS,
    outDir: join(WORKSPACE_ROOT, 'tmp', 'bench', `checkout-settle-${fetchWait}-${rate}`),
    progress: indented,
  });
  const step = report.steps?.[0];
  // Over the whole step, the settling of its last orders included: percent of one core (200 = 2 cores).
  const after = cpuSnapshot(groups);
  const cpu = cpuPercent(before, after);
  const shopCpu = shopCpuPercent(cpu);
  const seconds = (after.at - before.at) / 1000;
  return {
    rate,
    requests: report.requests,
    achievedRate: report.achievedRate,
    errors: report.errors + report.dropped,
    latencyMs: report.latencyMs,
    settleMs: report.settleMs,
    settle: report.settle,
    startLagMs: report.startLagMs,
    cpuPercent: cpu,
    shopCpuPercent: shopCpu,
    // The shop's CPU per checkout: what limits the rate a machine can settle in time.
    shopCpuMsPerCheckout:
      report.requests > 0 ? Math.round(((shopCpu / 100) * seconds * 1000 * 10) / report.requests) / 10 : null,
    withinSlo: step?.pass ?? false,
    missedBecause: step?.reason ?? null,
    loadAverage: loadAverage()[0] ?? NaN,
  };
}

type RateRun = Awaited<ReturnType<typeof runRate>>;

/** The targets' figures for one stack's rates. */
function verdicts(steps: readonly RateRun[]) {
  // Past the first rate that missed, a later one that passes is luck, not capacity (as in step mode).
  const firstMiss = steps.findIndex((step) => !step.withinSlo);
  const passing = firstMiss === -1 ? steps : steps.slice(0, firstMiss);
  const atTarget = steps.find((step) => step.rate === TARGET.rate);
  // With nothing settled the histogram reads 0 ms, which is no figure at all.
  const p99AtTarget = atTarget?.settleMs?.count ? atTarget.settleMs.p99 : null;
  return {
    highestRateSettleP99Under1s: passing.length ? Math.max(...passing.map((step) => step.rate)) : null,
    settleP99MsAt50: p99AtTarget,
    settleP99Under500MsAt50:
      atTarget && p99AtTarget !== null
        ? p99AtTarget < TARGET.settleP99Ms && atTarget.settle?.timedOut === 0
        : null,
  };
}

async function main(): Promise<void> {
  const host = machine();
  process.stdout.write(
    `Checkout settle latency: ${RATES.join(', ')}/s for ${DURATION_MS / 1000} s each, card network ${CARD_LATENCY_MS} ms, ` +
      `fetch wait ${FETCH_WAITS.join(' / ')} ms; each rate held to ${describeSlo(SLO)}\n${describeMachine(host)}\n\n`,
  );
  const runs = [];
  for (const [index, fetchWait] of FETCH_WAITS.entries()) {
    const bench = await retrying(`stack with fetch wait ${fetchWait} ms`, () =>
      startBenchStack({
        label: `settle_${fetchWait}`,
        env: { CARD_NETWORK_LATENCY_MS: CARD_LATENCY_MS, KAFKA_FETCH_MAX_WAIT_MS: String(fetchWait) },
        build: index === 0 && !args['no-build'],
      }),
    );
    const steps: RateRun[] = [];
    const groups = stackProcessGroups(bench.stack);
    try {
      if (WARMUP_MS > 0) {
        process.stdout.write(`fetch wait ${fetchWait} ms, warm-up at ${RATES[0]}/s (not counted):\n`);
        await runRate(bench.stack.gatewayUrl, groups, fetchWait, RATES[0] as number, WARMUP_MS);
      }
      for (const [step, rate] of RATES.entries()) {
        if (step > 0 || WARMUP_MS > 0) await sleep(PAUSE_MS);
        process.stdout.write(`fetch wait ${fetchWait} ms, ${rate} checkouts/s:\n`);
        steps.push(
          await retrying(`${rate}/s`, () => runRate(bench.stack.gatewayUrl, groups, fetchWait, rate)),
        );
      }
    } finally {
      await bench.stop();
    }
    runs.push({ fetchWaitMs: fetchWait, steps, ...verdicts(steps) });
  }
  const loadAtEnd = loadAverage();
  const lines = runs.map(
    (run) =>
      `fetch wait ${run.fetchWaitMs} ms: highest rate with settle p99 < 1 s ` +
      `${run.highestRateSettleP99Under1s === null ? 'none' : `${run.highestRateSettleP99Under1s}/s`} of ${RATES.join(', ')}/s` +
      (run.settleP99MsAt50 === null
        ? ''
        : `; settle p99 at ${TARGET.rate}/s ${run.settleP99MsAt50} ms ` +
          `(target < ${TARGET.settleP99Ms} ms: ${run.settleP99Under500MsAt50 ? 'met' : 'NOT met'})`),
  );
  process.stdout.write(
    `\nSummary (${host.cores} cores, Node ${host.node}, load average ${host.loadAverageAtStart[0]} at start, ${loadAtEnd[0]} at end):\n` +
      table([
        [
          'fetch wait',
          'rate/s',
          'orders',
          'errors',
          'achieved/s',
          'POST p50 / p99 ms',
          'settle p50 ms',
          'p90',
          'p99',
          'max',
          'confirmed / cancelled / unexpected / timed out',
          'shop CPU % (of 100 per core)',
          'shop CPU ms per checkout',
          'load generator %',
          'other work %',
          'settle p99 < 1 s',
          'load avg',
        ],
        ...runs.flatMap((run) =>
          run.steps.map((step) => [
            `${run.fetchWaitMs} ms`,
            step.rate,
            step.requests,
            step.errors,
            step.achievedRate,
            `${step.latencyMs.p50} / ${step.latencyMs.p99}`,
            step.settleMs?.p50 ?? '-',
            step.settleMs?.p90 ?? '-',
            step.settleMs?.p99 ?? '-',
            step.settleMs?.max ?? '-',
            `${step.settle?.confirmed} / ${step.settle?.cancelled} / ${step.settle?.unexpected} / ${step.settle?.timedOut}`,
            step.shopCpuPercent,
            step.shopCpuMsPerCheckout ?? '-',
            step.cpuPercent['load generator'] ?? '-',
            step.cpuPercent['other'] ?? '-',
            step.withinSlo ? 'yes' : `no: ${step.missedBecause}`,
            step.loadAverage,
          ]),
        ),
      ]) +
      `\n${lines.join('\n')}\n`,
  );
  writeResults(args.results, {
    machine: host,
    loadAverageAtEnd: loadAtEnd,
    settings: {
      rates: RATES,
      durationS: DURATION_MS / 1000,
      warmupS: WARMUP_MS / 1000,
      pauseS: PAUSE_MS / 1000,
      cardNetworkLatencyMs: Number(CARD_LATENCY_MS),
      users: USERS,
      declineShare: 0.1,
      slo: describeSlo(SLO),
    },
    runs,
  });
}

runScript(main);
