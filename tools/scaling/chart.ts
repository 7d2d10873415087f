/**
 * chart.html (Chart.js inlined, opens offline): throughput and p99, scaling efficiency, CPU per process
 * in the final step, settle latency; and its PNG, rendered by headless Chromium.
 */
import { spawnSync } from 'node:child_process';
import { relative, resolve } from 'node:path';
import { CATEGORY_COLORS, chartJs, describeSlo, escapeHtml, type StepSlo } from '@shop/load-generator';
import { cpuGroups } from './cpu-by-step';
import type { RunResult } from './results';

const CHART_SIZE = { width: 1200, height: 820 };

// One more than the category colours: a stack's process groups can number eleven.
const PALETTE = [...CATEGORY_COLORS, '#393b79'];

export interface ChartContext {
  app: string;
  /** The SLO that judged the steps: the chart says which. */
  slo: StepSlo;
  /** Scenario and steps, in words. */
  scenario: string;
  /** The machine and how busy it was, in words. */
  machine: string;
}

export function chartHtml(runs: readonly RunResult[], context: ChartContext): string {
  const { app, slo } = context;
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
    slo: slo.sloP99Ms,
    settleSlo: slo.sloSettleP99Ms ?? null,
  };
  const settleTitle = `Checkout settle latency (order placed to CONFIRMED/CANCELLED)${
    slo.sloSettleP99Ms === undefined ? ', not judged' : `, SLO p99 ${slo.sloSettleP99Ms} ms`
  }`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Scaling ${escapeHtml(app)}</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 16px; color: #222; width: 1168px; }
h1 { font-size: 18px; margin: 0 0 4px; } p { margin: 0 0 10px; color: #555; }
.grid { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
.box { border: 1px solid #ddd; padding: 8px; height: 330px; }
</style></head><body>
<h1>Scaling ${escapeHtml(app)}: ${escapeHtml(context.scenario)}; SLO ${escapeHtml(describeSlo(slo))}</h1>
<p>${escapeHtml(context.machine)}</p>
<div class="grid">
<div class="box"><canvas id="throughput"></canvas></div>
<div class="box"><canvas id="efficiency"></canvas></div>
<div class="box"><canvas id="cpu"></canvas></div>
<div class="box"><canvas id="settle"></canvas></div>
</div>
<script>${chartJs()}</script>
<script>
const data = ${JSON.stringify(data).replace(/</g, '\\u003c')};
const palette = ${JSON.stringify(PALETTE)};
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;
const x = { title: { display: true, text: 'replicas of ${escapeHtml(app)}' } };
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
const settleSets = [
  { type: 'bar', label: 'settle p99 at the highest rate (ms)', data: data.settleP99, backgroundColor: '#9467bd' },
];
if (data.settleSlo !== null)
  settleSets.push({ type: 'line', label: 'SLO settle p99 (ms)', data: data.labels.map(() => data.settleSlo), borderColor: '#495057', backgroundColor: '#495057', borderDash: [6, 3], borderWidth: 1, pointRadius: 0 });
new Chart(document.getElementById('settle'), {
  type: 'bar',
  data: { labels: data.labels, datasets: settleSets },
  options: { plugins: { title: { display: true, text: ${JSON.stringify(settleTitle)} } },
    scales: { x, y: { beginAtZero: true, title: { display: true, text: 'ms' } } } },
  plugins: [{ afterRender: mark('settle') }],
});
</script></body></html>
`;
}

/** Renders chart.html to a PNG with headless Chromium (`chromium`, or CHROMIUM_PATH); says how it went. */
export function renderPng(chartFile: string, png: string): void {
  const target = resolve(png);
  const chromium = process.env['CHROMIUM_PATH'] || 'chromium';
  const shot = spawnSync(
    chromium,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--hide-scrollbars',
      `--screenshot=${target}`,
      `--window-size=${CHART_SIZE.width},${CHART_SIZE.height}`,
      `file://${resolve(chartFile)}`,
    ],
    { stdio: 'pipe', timeout: 60_000 },
  );
  process.stdout.write(
    shot.status === 0
      ? `chart rendered to ${relative(process.cwd(), target)}\n`
      : `could not render the chart with ${chromium}: ${shot.stderr?.toString().trim() ?? shot.error?.message}\n`,
  );
}
