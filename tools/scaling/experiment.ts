/**
 * Scaling experiment: how the highest sustainable rate changes with the replicas of one app.
 *
 *   npm run scale:experiment -- --app payments-service --max 3 --scenario checkout --slo-p99 500
 *       [--step-from 4] [--step-by 4] [--step-to 100] [--step-duration 8s] [--users 20]
 *       [--card-latency 50] [--quiet-below 30] [--quiet-timeout 30] [--no-build]
 *       [--out tmp/scaling/<app>] [--png docs/img/scaling-<app>.png] [--render-only]
 *
 * For 1..max replicas of the app: a fresh stack (free ports, its own temporary databases, broker and
 * topic prefix; fast Kafka timings; the card network answering in --card-latency ms), the load
 * generator's step mode (open model; the highest rate whose p99 from intended start stays under the
 * SLO with < 1% errors), and the CPU of every process of the stack sampled from /proc twice a second.
 * Writes results.json, results.md (the table) and chart.html (Chart.js inlined) to --out, and each
 * run's load-generator reports to --out/replicas-<n>/. With --png, headless Chromium (`chromium`, or
 * CHROMIUM_PATH) renders the chart to that file. --render-only makes the table and the chart again
 * from --out/results.json without measuring.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isAppName } from '@shop/stack';
import { parseDuration } from '../../apps/loadgen/src/cli';
import { runLoadTest } from '../../apps/loadgen/src/load-test';
import { chartJs, escapeHtml } from '../../apps/loadgen/src/report-html';
import type { LoadReport } from '../../apps/loadgen/src/report-json';
import { SCENARIO_NAMES, type ScenarioName } from '../../apps/loadgen/src/scenarios';
import {
  busiest,
  cpuPercent,
  cpuSnapshot,
  describeMachine,
  loadAverage,
  machine,
  positiveNumber,
  round,
  runScript,
  stackProcessGroups,
  startBenchStack,
  table,
  WORKSPACE_ROOT,
  waitForQuiet,
  type CpuSnapshot,
} from '../../benchmarks/bench-kit';

const { values: args } = parseArgs({
  options: {
    app: { type: 'string', default: 'payments-service' },
    max: { type: 'string', default: '3' },
    scenario: { type: 'string', default: 'checkout' },
    'slo-p99': { type: 'string', default: '500' },
    'step-from': { type: 'string', default: '4' },
    'step-by': { type: 'string', default: '4' },
    'step-to': { type: 'string', default: '100' },
    'step-duration': { type: 'string', default: '8s' },
    users: { type: 'string', default: '20' },
    'card-latency': { type: 'string', default: '50' },
    'no-build': { type: 'boolean', default: false },
    out: { type: 'string' },
    png: { type: 'string' },
    'render-only': { type: 'boolean', default: false },
    'quiet-below': { type: 'string', default: '30' },
    'quiet-timeout': { type: 'string', default: '30' },
  },
});

const APP = args.app;
if (!isAppName(APP)) throw new Error(`--app takes an app of the shop; got "${APP}"`);
const SCENARIO = args.scenario as ScenarioName;
if (!SCENARIO_NAMES.includes(SCENARIO))
  throw new Error(`--scenario takes one of ${SCENARIO_NAMES.join(', ')}`);
const MAX = Math.round(positiveNumber('max', args.max));
const SLO_P99_MS = positiveNumber('slo-p99', args['slo-p99']);
const STEPS = {
  from: positiveNumber('step-from', args['step-from']),
  by: positiveNumber('step-by', args['step-by']),
  to: positiveNumber('step-to', args['step-to']),
  durationMs: parseDuration(args['step-duration'], '--step-duration'),
  sloP99Ms: SLO_P99_MS,
};
const USERS = Math.round(positiveNumber('users', args.users));
const CARD_LATENCY_MS = args['card-latency'];
const OUT = args.out ?? join(WORKSPACE_ROOT, 'tmp', 'scaling', APP);
const SAMPLE_EVERY_MS = 500;
// Before each stack starts, wait (up to a limit) until other work leaves the machine this idle.
const QUIET_BELOW_PERCENT = Number(args['quiet-below']);
const QUIET_TIMEOUT_S = Number(args['quiet-timeout']);
/** CPU groups that are not the shop: the load, the machine's other work, the Postgres server's own. */
const NOT_SHOP = ['machine busy', 'other', 'load generator', 'postgres (server, other)'];
const CHART_SIZE = { width: 1200, height: 820 };

// ---------------------------------------------------------------------------------------------------

interface StepResult {
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

interface RunResult {
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

/** A progress stream that notes when the first step began: the run's second 0 of the timeline. */
function progressWatcher(echo: NodeJS.WritableStream): { stream: Writable; runStart(): number | undefined } {
  let runStart: number | undefined;
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const text = chunk.toString();
      // load-test.ts takes its run start 50 ms after the line before the first step.
      if (runStart === undefined && /^step 1\//m.test(text)) runStart = performance.now() + 50;
      echo.write(text.replace(/^/gm, '    '));
      done();
    },
  });
  return { stream, runStart: () => runStart };
}

function nearest(snapshots: readonly CpuSnapshot[], at: number): CpuSnapshot | undefined {
  let best: CpuSnapshot | undefined;
  for (const snapshot of snapshots)
    if (!best || Math.abs(snapshot.at - at) < Math.abs(best.at - at)) best = snapshot;
  return best;
}

/** Each step's CPU, from the snapshots nearest the first and last second its arrivals were meant for. */
function stepCpu(
  report: LoadReport,
  runStart: number,
  snapshots: readonly CpuSnapshot[],
  rate: number,
): Record<string, number> {
  const seconds = report.timeline.filter((point) => point.targetRate === rate).map((point) => point.t);
  if (seconds.length === 0) return {};
  const from = nearest(snapshots, runStart + Math.min(...seconds) * 1000);
  const to = nearest(snapshots, runStart + (Math.max(...seconds) + 1) * 1000);
  return from && to && to.at > from.at ? cpuPercent(from, to) : {};
}

async function runWith(replicas: number): Promise<RunResult> {
  const quiet = await waitForQuiet(QUIET_BELOW_PERCENT, QUIET_TIMEOUT_S);
  process.stdout.write(
    `\n== ${APP} x${replicas}: starting the stack (machine ${quiet.busyPercent}% busy with other work` +
      `${quiet.waitedS >= 3.5 ? ` after waiting ${quiet.waitedS} s for it to calm down` : ''})...\n`,
  );
  const bench = await startBenchStack({
    label: `scale_${replicas}`,
    scale: { [APP]: replicas },
    env: { CARD_NETWORK_LATENCY_MS: CARD_LATENCY_MS },
    build: replicas === 1 && !args['no-build'],
  });
  const snapshots: CpuSnapshot[] = [];
  let sampler: NodeJS.Timeout | undefined;
  try {
    const groups = stackProcessGroups(bench.stack);
    sampler = setInterval(() => snapshots.push(cpuSnapshot(groups)), SAMPLE_EVERY_MS);
    const watcher = progressWatcher(process.stdout);
    const reportDir = join(OUT, `replicas-${replicas}`);
    const { report } = await runLoadTest({
      target: bench.stack.gatewayUrl,
      scenario: SCENARIO,
      rate: STEPS.to,
      durationMs: STEPS.durationMs,
      users: USERS,
      steps: STEPS,
      outDir: reportDir,
      progress: watcher.stream,
    });
    snapshots.push(cpuSnapshot(groups));
    clearInterval(sampler);
    const runStart = watcher.runStart();
    if (runStart === undefined) throw new Error('the load generator never reported its first step');

    const steps: StepResult[] = (report.steps ?? []).map((step) => ({
      rate: step.targetRate,
      pass: step.pass,
      ...(step.reason && { reason: step.reason }),
      achievedRate: step.achievedRate,
      p50Ms: step.latencyMs.p50,
      p99Ms: step.latencyMs.p99,
      ...(step.settleMs && { settleP50Ms: step.settleMs.p50, settleP99Ms: step.settleMs.p99 }),
      errors: step.errors + step.dropped,
      cpu: stepCpu(report, runStart, snapshots, step.targetRate),
      cpuMsPerArrival: { shop: NaN, loadGenerator: NaN },
    }));
    for (const step of steps) {
      const shop = Object.entries(step.cpu)
        .filter(([name]) => !NOT_SHOP.includes(name))
        .reduce((sum, [, value]) => sum + value, 0);
      // percent of one core x 10 = CPU ms per second; per arrival at the step's rate.
      step.cpuMsPerArrival = {
        shop: round((shop * 10) / step.rate, 1),
        loadGenerator: round(((step.cpu['load generator'] ?? 0) * 10) / step.rate, 1),
      };
    }
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
    process.stdout.write(
      `   ${APP} x${replicas}: max ${maxRate ?? 'none'}/s (p99 ${result.p99AtMaxMs ?? '-'} ms); final step ` +
        `${final.rate}/s busiest ${result.busiestAtFinalStep.name} ${result.busiestAtFinalStep.cpuPercent}%; ` +
        `load average ${result.loadAverage.join(' / ')}\n`,
    );
    return result;
  } finally {
    if (sampler) clearInterval(sampler);
    await bench.stop();
  }
}

// ---------------------------------------------------------------------------------------------------
// Outputs

const fmt = (value: number | null | undefined, digits = 1) =>
  value === null || value === undefined || Number.isNaN(value) ? '–' : String(round(value, digits));

/** The shop's own processes together (apps, broker, mail catcher, the stack's Postgres backends). */
const shopCpu = (cpu: Record<string, number>): number =>
  round(
    Object.entries(cpu)
      .filter(([name]) => !NOT_SHOP.includes(name))
      .reduce((sum, [, value]) => sum + value, 0),
    1,
  );

function markdownTable(runs: readonly RunResult[]): string {
  const header = [
    'replicas',
    'max rate (/s)',
    'p99 at that rate (ms)',
    'settle p99 at that rate (ms)',
    'efficiency',
    'final step',
    'busiest shop process in the final step (CPU %)',
    'whole shop (CPU %)',
    'other work (CPU %)',
    'load average',
  ];
  const rows = runs.map((run) => {
    const final = run.steps.at(-1)?.cpu ?? {};
    return [
      String(run.replicas),
      fmt(run.maxRate),
      fmt(run.p99AtMaxMs),
      fmt(run.settleP99AtMaxMs, 0),
      fmt(run.efficiency, 2),
      `${run.finalStep.rate}/s ${run.finalStep.pass ? 'pass' : 'fail'}`,
      `${run.busiestAtFinalStep.name} (${run.busiestAtFinalStep.cpuPercent})`,
      fmt(shopCpu(final), 0),
      fmt(final['other'], 0),
      run.loadAverage[0]?.toFixed(2) ?? '–',
    ];
  });
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Process groups for the CPU chart: the replicas of one app summed, Postgres backends of the stack. */
function cpuGroups(cpu: Record<string, number>): Record<string, number> {
  const grouped: Record<string, number> = {};
  for (const [name, value] of Object.entries(cpu)) {
    if (name === 'machine busy') continue;
    const group = name
      .replace(/#\d+$/, '')
      .replace('postgres (stack backends)', 'postgres (stack)')
      .replace('postgres (server, other)', 'postgres (other)')
      .replace(/^other$/, 'other work');
    grouped[group] = round((grouped[group] ?? 0) + value, 1);
  }
  return grouped;
}

function chartHtml(runs: readonly RunResult[], context: Record<string, string>): string {
  const labels = runs.map((run) => `${run.replicas}`);
  const cpuByRun = runs.map((run) => cpuGroups(run.steps.at(-1)?.cpu ?? {}));
  const groupNames = [...new Set(cpuByRun.flatMap((cpu) => Object.keys(cpu)))].sort(
    (a, b) =>
      Math.max(...cpuByRun.map((cpu) => cpu[b] ?? 0)) - Math.max(...cpuByRun.map((cpu) => cpu[a] ?? 0)),
  );
  const data = {
    labels,
    maxRate: runs.map((run) => run.maxRate),
    p99: runs.map((run) => run.p99AtMaxMs),
    settleP99: runs.map((run) => run.settleP99AtMaxMs),
    efficiency: runs.map((run) => run.efficiency),
    finalRates: runs.map((run) => run.finalStep.rate),
    cpu: groupNames.map((name) => ({ name, values: cpuByRun.map((cpu) => cpu[name] ?? 0) })),
    slo: SLO_P99_MS,
  };
  const palette = [
    '#1f77b4',
    '#ff7f0e',
    '#2ca02c',
    '#d62728',
    '#9467bd',
    '#8c564b',
    '#e377c2',
    '#7f7f7f',
    '#bcbd22',
    '#17becf',
    '#393b79',
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Scaling ${escapeHtml(APP)}</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 16px; color: #222; width: 1168px; }
h1 { font-size: 18px; margin: 0 0 4px; } p { margin: 0 0 10px; color: #555; }
.grid { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
.box { border: 1px solid #ddd; padding: 8px; height: 330px; }
</style></head><body>
<h1>Scaling ${escapeHtml(APP)}: ${escapeHtml(context['scenario'] ?? '')}, p99 SLO ${SLO_P99_MS} ms</h1>
<p>${escapeHtml(context['machine'] ?? '')}</p>
<div class="grid">
<div class="box"><canvas id="throughput"></canvas></div>
<div class="box"><canvas id="efficiency"></canvas></div>
<div class="box"><canvas id="cpu"></canvas></div>
<div class="box"><canvas id="settle"></canvas></div>
</div>
<script>${chartJs()}</script>
<script>
const data = ${JSON.stringify(data).replace(/</g, '\\u003c')};
const palette = ${JSON.stringify(palette)};
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;
const x = { title: { display: true, text: 'replicas of ${escapeHtml(APP)}' } };
const mark = (id) => (chart) => { document.getElementById(id).dataset.rendered = 'true'; };
new Chart(document.getElementById('throughput'), {
  data: { labels: data.labels, datasets: [
    { type: 'bar', order: 2, label: 'highest rate within the SLO (/s)', data: data.maxRate, backgroundColor: '#1f77b4', yAxisID: 'y' },
    { type: 'line', order: 0, label: 'p99 at that rate (ms)', data: data.p99, borderColor: '#d62728', backgroundColor: '#d62728', yAxisID: 'y1' },
  ] },
  options: { plugins: { title: { display: true, text: 'Throughput and p99 vs replicas' } },
    scales: { x, y: { beginAtZero: true, title: { display: true, text: 'checkouts/s' } },
      y1: { beginAtZero: true, position: 'right', suggestedMax: data.slo, grid: { drawOnChartArea: false }, title: { display: true, text: 'ms' } } } },
  plugins: [{ afterRender: mark('throughput') }],
});
new Chart(document.getElementById('efficiency'), {
  type: 'line',
  data: { labels: data.labels, datasets: [
    { label: 'scaling efficiency rate(n) / (n x rate(1))', data: data.efficiency, borderColor: '#2ca02c', backgroundColor: '#2ca02c' },
    { label: 'linear scaling', data: data.labels.map(() => 1), borderColor: '#999', borderDash: [6, 4], pointRadius: 0 },
  ] },
  options: { plugins: { title: { display: true, text: 'Scaling efficiency' } },
    scales: { x, y: { beginAtZero: true, suggestedMax: 1.1 } } },
  plugins: [{ afterRender: mark('efficiency') }],
});
new Chart(document.getElementById('cpu'), {
  type: 'bar',
  data: { labels: data.labels.map((l, i) => l + ' (' + data.finalRates[i] + '/s)'), datasets: data.cpu.map((group, i) => ({
    label: group.name, data: group.values, backgroundColor: palette[i % palette.length] })) },
  options: { plugins: { title: { display: true, text: 'CPU per process in the final (overloaded) step, % of one core' },
    legend: { position: 'right', labels: { boxWidth: 10, font: { size: 10 } } } },
    scales: { x: { stacked: true, title: { display: true, text: 'replicas (final step rate)' } }, y: { stacked: true, beginAtZero: true } } },
  plugins: [{ afterRender: mark('cpu') }],
});
new Chart(document.getElementById('settle'), {
  type: 'bar',
  data: { labels: data.labels, datasets: [
    { label: 'settle p99 at the highest rate (ms)', data: data.settleP99, backgroundColor: '#9467bd' },
  ] },
  options: { plugins: { title: { display: true, text: 'Checkout settle latency (order placed to CONFIRMED/CANCELLED)' } },
    scales: { x, y: { beginAtZero: true, title: { display: true, text: 'ms' } } } },
  plugins: [{ afterRender: mark('settle') }],
});
</script></body></html>
`;
}

interface Results {
  experiment: 'scaling';
  measuredAt: string;
  app: string;
  scenario: string;
  machine: ReturnType<typeof machine>;
  loadAverageAtEnd: number[];
  settings: Record<string, unknown>;
  runs: RunResult[];
}

/** Derived figures (efficiency, CPU model), then results.json, results.md, chart.html and the PNG. */
function writeOutputs(results: Results): void {
  const { runs } = results;
  const base = runs[0]?.maxRate;
  for (const run of runs) {
    run.efficiency = base && run.maxRate !== null ? round(run.maxRate / (run.replicas * base), 3) : null;
  }
  const markdown = markdownTable(runs);
  const host = results.machine;
  writeFileSync(join(OUT, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(OUT, 'results.md'), `${markdown}\n`);
  const steps = results.settings['steps'] as typeof STEPS;
  writeFileSync(
    join(OUT, 'chart.html'),
    chartHtml(runs, {
      scenario: `${results.scenario} scenario, steps of ${steps.by}/s x ${steps.durationMs / 1000} s`,
      machine:
        `${host.cores} cores, ${host.memoryGiB} GiB, Node ${host.node}; load average ${host.loadAverageAtStart[0]} ` +
        `at start, ${results.loadAverageAtEnd[0]} at end (other work on the machine); measured ${results.measuredAt.slice(0, 16)}Z`,
    }),
  );

  if (args.png) {
    const png = resolve(args.png);
    const chromium = process.env['CHROMIUM_PATH'] || 'chromium';
    const shot = spawnSync(
      chromium,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--hide-scrollbars',
        `--screenshot=${png}`,
        `--window-size=${CHART_SIZE.width},${CHART_SIZE.height}`,
        `file://${resolve(OUT, 'chart.html')}`,
      ],
      { stdio: 'pipe', timeout: 60_000 },
    );
    process.stdout.write(
      shot.status === 0
        ? `chart rendered to ${relative(process.cwd(), png)}\n`
        : `could not render the chart with ${chromium}: ${shot.stderr?.toString().trim() ?? shot.error?.message}\n`,
    );
  }

  const cpuRows = runs.map((run) => {
    const cpu = cpuGroups(run.steps.at(-1)?.cpu ?? {});
    return [
      `x${run.replicas} @ ${run.finalStep.rate}/s`,
      ...Object.entries(cpu)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6)
        .map(([name, value]) => `${name} ${value}`),
    ];
  });
  process.stdout.write(
    `\n${markdown}\n\nCPU in the final step (% of one core, top 6 groups):\n${table(
      cpuRows.map((row) => [...row, ...Array.from({ length: 7 - row.length }, () => '')]),
    )}\n\nwritten to ${relative(process.cwd(), OUT)}/{results.json,results.md,chart.html}\n`,
  );
}

async function main(): Promise<void> {
  if (args['render-only']) {
    writeOutputs(JSON.parse(readFileSync(join(OUT, 'results.json'), 'utf8')) as Results);
    return;
  }
  const host = machine();
  process.stdout.write(
    `Scaling ${APP} 1..${MAX} replicas, scenario ${SCENARIO}, p99 SLO ${SLO_P99_MS} ms, steps ` +
      `${STEPS.from}..${STEPS.to} by ${STEPS.by}/s, ${STEPS.durationMs / 1000} s each; card network ${CARD_LATENCY_MS} ms\n` +
      `${describeMachine(host)}\n`,
  );
  mkdirSync(OUT, { recursive: true });
  const runs: RunResult[] = [];
  for (let replicas = 1; replicas <= MAX; replicas++) {
    // A run that fails outright (a busy machine timing out the sign-ups before the load) is tried again.
    for (let tries = 1; ; tries++) {
      try {
        runs.push(await runWith(replicas));
        break;
      } catch (error) {
        if (tries >= 3) throw error;
        const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
        process.stderr.write(`   ${APP} x${replicas} failed (${reason}); trying again in 10 s\n`);
        await new Promise((resolve) => setTimeout(resolve, 10_000));
      }
    }
  }
  writeOutputs({
    experiment: 'scaling',
    measuredAt: new Date().toISOString(),
    app: APP,
    scenario: SCENARIO,
    machine: host,
    loadAverageAtEnd: loadAverage(),
    settings: {
      steps: STEPS,
      users: USERS,
      env: {
        CARD_NETWORK_LATENCY_MS: CARD_LATENCY_MS,
        KAFKA_SESSION_TIMEOUT_MS: '6000',
        KAFKA_HEARTBEAT_INTERVAL_MS: '500',
        KAFKA_FETCH_MAX_WAIT_MS: '100',
      },
      cpuSampleEveryMs: SAMPLE_EVERY_MS,
      cpuUnit: 'percent of one core (100 = one core busy)',
    },
    runs,
  });
}

runScript(main);
