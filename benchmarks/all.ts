/**
 * The performance targets in one sitting: runs each benchmark that measures one, one after the other,
 * as a child process (`npm run bench:<name>`), reads the results file each writes, and prints one
 * table: what, measured, target, met. About 10 minutes on 2 cores; --quick about 5.
 *
 *   npm run bench:all -- [--only gateway,settle,memory,tracing] [--quick] [--no-build]
 *
 * The apps are built once first (not with --no-build) and every benchmark runs with --no-build. Each
 * writes its figures to benchmarks/results/all/<name>.json (with --quick, results/all-quick/), not to
 * its usual file, which holds the dated figures the docs quote; the table and the machine go to
 * benchmarks/results/summary.json (all-quick/summary.json). A benchmark that fails is reported in its
 * rows and the others still run; the exit code is then 1. A target not met is a figure, not a failure.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { buildApps, WORKSPACE_ROOT } from '@shop/stack';
import { round, table, writeResults } from './kit/figures';
import { describeMachine, loadAverage, machine } from './kit/machine';
import { parseList, runScript } from './kit/script';

const { values: args } = parseArgs({
  options: {
    only: { type: 'string', default: 'gateway,settle,memory,tracing' },
    quick: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
  },
});
const RESULTS_DIR = args.quick ? 'all-quick' : 'all';

interface Target {
  what: string;
  target: string;
}

/** One target's figure from a results file. */
interface Measurement {
  measured: string;
  /** null: not measured (a benchmark that failed, a rate that was not run). */
  met: boolean | null;
  /** The numbers behind `measured`, for whoever compares summaries. */
  figures?: Record<string, number | null>;
}

type Row = Target & Measurement;

/** The parts of each results file read here (the files hold much more). */
interface GatewayResults {
  summary: {
    ratios: {
      gatewayOverMinimal: number | null;
      gatewayOverMinimalMedian: number | null;
      cpuGatewayOverMinimal: number | null;
    };
    variants: { errors: number }[];
  };
}
interface SettleResults {
  settings: { rates: number[] };
  runs: {
    fetchWaitMs: number;
    steps: { errors: number }[];
    highestRateSettleP99Under1s: number | null;
    settleP99MsAt50: number | null;
    settleP99Under500MsAt50: boolean | null;
  }[];
}
interface CensusResults {
  totals: { totalMiB: number; totalWithoutNpmMiB: number }[];
  /** Shared pages counted once (PSS), where the census records it. */
  runs: { totalPssMiB?: number }[];
}
interface TracingResults {
  complete: boolean;
  summary: { cpuEfficiencyRatioOnOff: number | null; shopCpuMsAddedPerCheckoutOnVsOff: number | null };
}

type Options = Record<string, string | true>;

interface Benchmark {
  script: string;
  /** The results file's name under benchmarks/results/<RESULTS_DIR>/. */
  results: string;
  /** Its command-line options for a full run, and what --quick changes of them. */
  options: Options;
  quick: Options;
  /** The option that names its results file, and whether it takes a name or a path. */
  resultsOption: ['--results', 'name'] | ['--out', 'path'];
  targets: Target[];
  /** One measurement per target, in the same order. */
  measure: (results: unknown) => Measurement[];
}

const yesNo = (met: boolean | null) => (met === null ? '-' : met ? 'yes' : 'NO');

const BENCHMARKS: Record<string, Benchmark> = {
  gateway: {
    script: 'bench:gateway',
    results: 'gateway-chain',
    options: { variants: 'gateway,minimal', rounds: '3', warmup: '2', duration: '10' },
    quick: { rounds: '1', warmup: '1', duration: '3' },
    resultsOption: ['--results', 'name'],
    targets: [{ what: 'gateway GET /v1/users/me / minimal chain, req/s', target: '>= 0.75' }],
    measure: (results): Measurement[] => {
      const { ratios, variants } = (results as GatewayResults).summary;
      const ratio = ratios.gatewayOverMinimal;
      const errors = variants.reduce((sum, variant) => sum + variant.errors, 0);
      return [
        {
          measured:
            `${ratio} (median by round ${ratios.gatewayOverMinimalMedian}, by CPU ${ratios.cpuGatewayOverMinimal})` +
            (errors ? `, ${errors} errors` : ''),
          met: ratio === null ? null : ratio >= 0.75,
          figures: { ...ratios, errors },
        },
      ];
    },
  },
  settle: {
    script: 'bench:settle',
    results: 'checkout-settle',
    options: { rates: '20,50,75,100', duration: '20s', warmup: '10s', pause: '5' },
    quick: { rates: '20,50', duration: '5s', warmup: '3s', pause: '2' },
    resultsOption: ['--results', 'name'],
    targets: [
      { what: 'checkout settle p99 at 50/s', target: '< 500 ms' },
      { what: 'highest rate with settle p99 < 1 s', target: 'aim 100/s' },
    ],
    measure: (results): Measurement[] => {
      const { settings, runs } = results as SettleResults;
      // bench:all runs one fetch wait (the apps' default); should there be more, that one is the target's.
      const run = runs.find((entry) => entry.fetchWaitMs === 500) ?? runs[0];
      const errors = run?.steps.reduce((sum, step) => sum + step.errors, 0) ?? 0;
      const highest = run?.highestRateSettleP99Under1s ?? null;
      const p99At50 = run?.settleP99MsAt50 ?? null;
      return [
        {
          measured: p99At50 === null ? '50/s not run' : `${round(p99At50)} ms`,
          met: run?.settleP99Under500MsAt50 ?? null,
          figures: { settleP99Ms: p99At50 },
        },
        {
          measured:
            `${highest === null ? 'none' : `${highest}/s`} of ${settings.rates.join(', ')}/s` +
            (errors ? `, ${errors} errors` : ''),
          met: highest !== null && highest >= 100,
          figures: { ratePerSecond: highest, errors },
        },
      ];
    },
  },
  memory: {
    script: 'bench:memory',
    results: 'memory-census',
    options: { census: true, rounds: '1', idle: '20' },
    quick: { idle: '5' },
    resultsOption: ['--results', 'name'],
    targets: [{ what: 'native stack RSS, tracing on, idle after start', target: '<= 700 MiB' }],
    measure: (results): Measurement[] => {
      const { totals, runs } = results as CensusResults;
      const total = totals[0];
      const pss = runs[0]?.totalPssMiB ?? null;
      return [
        {
          measured: total
            ? `${total.totalWithoutNpmMiB} MiB (${total.totalMiB} with npm${pss === null ? '' : `; PSS ${pss}`})`
            : '-',
          met: total ? total.totalWithoutNpmMiB <= 700 : null,
          figures: {
            rssMiB: total?.totalWithoutNpmMiB ?? null,
            withNpmMiB: total?.totalMiB ?? null,
            pssWithNpmMiB: pss,
          },
        },
      ];
    },
  },
  tracing: {
    script: 'bench:tracing',
    results: 'tracing-overhead',
    options: {
      'side-by-side': true,
      rate: '30',
      warmup: '20',
      duration: '30',
      rounds: '1',
      variants: 'on,off',
      // Each phase first waits for the machine to be quiet (default up to 120 s); the benchmarks before
      // it in this sitting have stopped their stacks, so a short wait is enough.
      'quiet-timeout': '30',
    },
    quick: { rate: '10', warmup: '3', duration: '5', 'quiet-timeout': '5' },
    resultsOption: ['--out', 'path'],
    targets: [{ what: 'tracing on/off, checkouts per shop CPU s', target: '>= 0.85 or <= 1.5 ms added' }],
    measure: (results): Measurement[] => {
      const { complete, summary } = results as TracingResults;
      const ratio = summary.cpuEfficiencyRatioOnOff;
      const added = summary.shopCpuMsAddedPerCheckoutOnVsOff;
      return [
        {
          measured: complete ? `${ratio} (+${added} ms shop CPU per checkout)` : 'incomplete run',
          met: !complete || ratio === null || added === null ? null : ratio >= 0.85 || added <= 1.5,
          figures: { checkoutsPerShopCpuSecondOnOff: ratio, shopCpuMsAddedPerCheckout: added },
        },
      ];
    },
  },
};

function resultsFile(name: string): string {
  return join(WORKSPACE_ROOT, 'benchmarks', 'results', `${name}.json`);
}

/** The command line of one benchmark in this sitting. */
function commandLine(benchmark: Benchmark, resultsName: string): string[] {
  const options = { ...benchmark.options, ...(args.quick ? benchmark.quick : {}) };
  const [flag, kind] = benchmark.resultsOption;
  return [
    ...Object.entries(options).flatMap(([name, value]) =>
      value === true ? [`--${name}`] : [`--${name}`, value],
    ),
    flag,
    // The benchmark runs in the workspace, and a relative path keeps the summary portable.
    kind === 'name' ? resultsName : relative(WORKSPACE_ROOT, resultsFile(resultsName)),
    '--no-build',
  ];
}

/** Runs `npm run <script> -- <args>` with its output shown; resolves to its exit code and last error line. */
function runChild(script: string, childArgs: string[]): Promise<{ code: number; lastError: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', script, '--', ...childArgs], {
      cwd: WORKSPACE_ROOT,
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    let tail = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      process.stderr.write(chunk);
      tail = (tail + chunk).slice(-2_000);
    });
    // The thrown error's own line ("Error: ...", "TypeError: ..."), not its stack; else the last line.
    const lastError = () => {
      const lines = tail
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean);
      return lines.find((line) => /^\w*Error\b/.test(line)) ?? lines.at(-1) ?? '';
    };
    child.once('error', (error) => resolve({ code: 1, lastError: error.message }));
    child.once('close', (code, signal) => resolve({ code: code ?? 1, lastError: signal ?? lastError() }));
  });
}

async function main(): Promise<void> {
  const names = parseList(args.only);
  for (const name of names) if (!(name in BENCHMARKS)) throw new Error(`--only: unknown benchmark "${name}"`);
  const host = machine();
  process.stdout.write(
    `Performance targets: ${names.join(', ')}${args.quick ? ' (quick)' : ''}\n${describeMachine(host)}\n\n`,
  );
  if (!args['no-build']) buildApps(process.stdout);

  const rows: Row[] = [];
  const runs = [];
  for (const name of names) {
    const benchmark = BENCHMARKS[name] as Benchmark;
    const resultsName = `${RESULTS_DIR}/${benchmark.results}`;
    const file = resultsFile(resultsName);
    // A file left from an earlier sitting must not stand in for figures this one failed to take.
    rmSync(file, { force: true });
    const childArgs = commandLine(benchmark, resultsName);
    process.stdout.write(`\n=== ${name}: npm run ${benchmark.script} -- ${childArgs.join(' ')}\n`);
    const startedAt = Date.now();
    const { code, lastError } = await runChild(benchmark.script, childArgs);
    const seconds = Math.round((Date.now() - startedAt) / 1000);
    let failure = code === 0 ? undefined : `exit code ${code}: ${lastError}`;
    if (!failure && !existsSync(file)) failure = 'no results file';
    let measurements: Measurement[] = [];
    if (!failure) {
      try {
        measurements = benchmark.measure(JSON.parse(readFileSync(file, 'utf8')));
      } catch (error) {
        failure = `unreadable results: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
    rows.push(
      ...benchmark.targets.map((target, index) => ({
        ...target,
        ...(failure || !measurements[index]
          ? { measured: `FAILED (${failure ?? 'no figure'})`, met: null }
          : measurements[index]),
      })),
    );
    runs.push({
      name,
      command: `npm run ${benchmark.script} -- ${childArgs.join(' ')}`,
      seconds,
      failure: failure ?? null,
    });
    process.stdout.write(`=== ${name}: ${failure ? `FAILED (${failure})` : 'done'} in ${seconds} s\n`);
  }

  const loadAtEnd = loadAverage();
  process.stdout.write(
    `\nPerformance targets${args.quick ? ' (quick: short runs, not figures to quote)' : ''}:\n` +
      `${table([['what', 'measured', 'target', 'met?'], ...rows.map((row) => [row.what, row.measured, row.target, yesNo(row.met)])])}\n` +
      `${describeMachine(host)} at start, ${loadAtEnd.join(' / ')} at end\n` +
      `took ${runs.map((run) => `${run.name} ${run.seconds} s`).join(', ')}\n`,
  );
  writeResults(args.quick ? `${RESULTS_DIR}/summary` : 'summary', {
    machine: host,
    loadAverageAtEnd: loadAtEnd,
    quick: args.quick,
    rows,
    runs,
  });
  const failed = runs.filter((run) => run.failure).map((run) => run.name);
  if (failed.length) {
    process.stderr.write(`failed: ${failed.join(', ')}\n`);
    // runScript would exit 0 once main returns: the failure has to decide the exit code here.
    process.exit(1);
  }
}

runScript(main);
