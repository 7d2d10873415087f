/**
 * report.html: one self-contained page (Chart.js and the data inlined, nothing fetched) with the summary,
 * latency percentiles over time, throughput and errors, settle latency and, in step mode, p99 per step.
 * Each chart marks its canvas once drawn (`data-rendered`, `data-painted-pixels`, and the labels of its
 * lines in `data-datasets`) so a headless browser can tell a drawn chart from an empty box.
 */
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { LatencySummary } from './histograms';
import type { LoadReport, PhaseReport, StepReport } from './report-json';
import { describeSlo } from './step-search';

let chartJsSource: string | undefined;

/** Chart.js's UMD build from node_modules (its package exports hide `dist/`, so it is found by path). */
export function chartJs(): string {
  chartJsSource ??= readFileSync(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'), 'utf8');
  return chartJsSource;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that can sit inside a <script> element whatever strings it holds. */
const scriptJson = (value: unknown) =>
  JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');

const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 1)} ms`;

function percentileCells(summary: LatencySummary | undefined): string {
  if (!summary || summary.count === 0) return '<td colspan="5">none</td>';
  return [summary.p50, summary.p90, summary.p99, summary.p999, summary.max]
    .map((v) => `<td>${ms(v)}</td>`)
    .join('');
}

function summaryTable(report: LoadReport): string {
  const rows: [string, string][] = [
    ['scenario', report.scenario],
    ['target', report.target],
    ['arrivals', `${report.arrival}, ${report.steps ? 'stepped up to' : 'at'} ${report.targetRate}/s`],
    ['achieved', `${report.achievedRate}/s over ${report.elapsedS} s (${report.durationS} s under load)`],
    ['requests', String(report.requests)],
    ['errors', `${report.errors} (${(report.errorRate * 100).toFixed(2)}% with ${report.dropped} dropped)`],
    ['late starts', `${report.lateStarts} (start lag p99 ${ms(report.startLagMs.p99)})`],
    ['started at', report.startedAt],
  ];
  if (report.settle) {
    const s = report.settle;
    rows.push([
      'orders settled',
      `${s.settled} (${s.confirmed} confirmed, ${s.cancelled} cancelled, ${s.unexpected} unexpected, ` +
        `${s.timedOut} timed out; ${s.streams} streams, ${s.pollRequests} polls)`,
    ]);
  }
  if (report.step) {
    const best = report.step.maxRatePassing;
    rows.push([
      'highest rate within SLO',
      `${best === null ? 'none' : `${best}/s`} (${describeSlo(report.step, report.step.maxErrorRate)})`,
    ]);
  }
  return `<table class="summary">${rows
    .map(([name, value]) => `<tr><th>${escapeHtml(name)}</th><td>${escapeHtml(value)}</td></tr>`)
    .join('')}</table>`;
}

function latencyTable(report: PhaseReport): string {
  const head =
    '<tr><th></th><th>count</th><th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th></tr>';
  const row = (name: string, count: number, summary: LatencySummary | undefined) =>
    `<tr><th>${escapeHtml(name)}</th><td>${count}</td>${percentileCells(summary)}</tr>`;
  const rows = [row('latency (from intended start)', report.latencyMs.count, report.latencyMs)];
  if (report.settleMs) rows.push(row('settle (POST to final state)', report.settleMs.count, report.settleMs));
  for (const [name, operation] of Object.entries(report.operations))
    rows.push(row(`${name} (sent to answered)`, operation.count, operation.latencyMs));
  return `<table>${head}${rows.join('')}</table>`;
}

function stepsTable(report: LoadReport): string {
  if (!report.steps) return '';
  const withSettle = report.settleMs !== undefined;
  const head =
    '<tr><th>rate</th><th>achieved</th><th>requests</th><th>errors</th><th>p50</th><th>p99</th>' +
    `${withSettle ? '<th>settle p99</th><th>timed out</th>' : ''}<th>verdict</th></tr>`;
  const settleCells = (step: StepReport) =>
    withSettle
      ? `<td>${step.settleMs?.count ? ms(step.settleMs.p99) : '–'}</td><td>${step.settle?.timedOut ?? 0}</td>`
      : '';
  const rows = report.steps.map(
    (step) =>
      `<tr class="${step.pass ? 'pass' : 'fail'}"><td>${step.targetRate}/s</td><td>${step.achievedRate}/s</td>` +
      `<td>${step.requests}</td><td>${step.errors + step.dropped}</td><td>${ms(step.latencyMs.p50)}</td>` +
      `<td>${ms(step.latencyMs.p99)}</td>${settleCells(step)}` +
      `<td>${step.pass ? 'pass' : escapeHtml(`fail: ${step.reason ?? ''}`)}</td></tr>`,
  );
  return `<h2>Steps</h2><table>${head}${rows.join('')}</table>`;
}

function errorsTable(report: PhaseReport): string {
  const kinds = Object.entries(report.errorKinds);
  if (kinds.length === 0) return '';
  return `<h2>Errors</h2><table>${kinds
    .map(([kind, count]) => `<tr><th>${escapeHtml(kind)}</th><td>${count}</td></tr>`)
    .join('')}</table>`;
}

/** Runs in the page: builds the charts from the inlined report. */
const PAGE_SCRIPT = String.raw`
(function () {
  const report = JSON.parse(document.getElementById('report-data').textContent);
  const colors = { p50: '#2b8a3e', p90: '#1971c2', p99: '#e8590c', max: '#868e96', target: '#495057', errors: '#c92a2a' };
  Chart.register({
    id: 'renderMarker',
    afterRender(chart) {
      const canvas = chart.canvas;
      const pixels = chart.ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) painted++;
      canvas.dataset.rendered = 'true';
      canvas.dataset.paintedPixels = String(painted);
      canvas.dataset.datasets = chart.data.datasets.map((set) => set.label).join('|');
      document.body.dataset.chartsRendered = String(document.querySelectorAll('canvas[data-rendered="true"]').length);
    },
  });
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  const seconds = report.timeline.map((p) => p.t);
  const line = (label, data, color, extra) =>
    Object.assign({ type: 'line', label, data, borderColor: color, backgroundColor: color, pointRadius: 0, borderWidth: 2, spanGaps: false }, extra || {});
  const percentileSets = (pick, count) => ['p50', 'p90', 'p99', 'max'].map((key) =>
    line(key, report.timeline.map((p) => (count(p) > 0 ? pick(p)[key] : null)), colors[key], key === 'max' ? { borderDash: [4, 4], borderWidth: 1 } : {}));
  const timeAxis = { title: { display: true, text: 'second of the run' } };
  const msAxis = (type) => ({ type, title: { display: true, text: 'ms' } });
  const draw = (id, config) => {
    const canvas = document.getElementById(id);
    if (canvas) new Chart(canvas, config);
  };
  try {
    draw('latency-chart', {
      type: 'line',
      data: { labels: seconds, datasets: percentileSets((p) => p.latencyMs, (p) => p.completed) },
      options: { scales: { x: timeAxis, y: msAxis('logarithmic') }, plugins: { title: { display: true, text: 'Latency from intended start, by second of response' } } },
    });
    draw('throughput-chart', {
      data: {
        labels: seconds,
        datasets: [
          line('target rate', report.timeline.map((p) => p.targetRate), colors.target, { borderDash: [6, 3], borderWidth: 1 }),
          line('responses/s', report.timeline.map((p) => p.completed), colors.p90),
          { type: 'bar', label: 'errors + dropped /s', data: report.timeline.map((p) => p.errors + p.dropped), backgroundColor: colors.errors, yAxisID: 'errors' },
        ],
      },
      options: {
        scales: {
          x: timeAxis,
          y: { beginAtZero: true, title: { display: true, text: 'per second' } },
          errors: { position: 'right', beginAtZero: true, suggestedMax: 1, grid: { drawOnChartArea: false }, title: { display: true, text: 'errors/s' } },
        },
        plugins: { title: { display: true, text: 'Throughput and errors' } },
      },
    });
    if (report.settleMs) {
      const settleSlo = report.step && report.step.sloSettleP99Ms;
      const settleSets = percentileSets((p) => p.settleMs, (p) => p.settled || 0);
      if (settleSlo) settleSets.push(line('SLO settle p99', seconds.map(() => settleSlo), colors.target, { borderDash: [6, 3], borderWidth: 1 }));
      draw('settle-chart', {
        type: 'line',
        data: { labels: seconds, datasets: settleSets },
        options: { scales: { x: timeAxis, y: msAxis('logarithmic') }, plugins: { title: { display: true, text: 'Checkout settle latency (POST to CONFIRMED/CANCELLED), by second settled' } } },
      });
    }
    if (report.steps) {
      draw('steps-chart', {
        data: {
          labels: report.steps.map((s) => s.targetRate + '/s'),
          datasets: [
            { type: 'bar', label: 'p99', data: report.steps.map((s) => s.latencyMs.p99), backgroundColor: report.steps.map((s) => (s.pass ? colors.p50 : colors.errors)) },
            line('p50', report.steps.map((s) => s.latencyMs.p50), colors.p90, { pointRadius: 3 }),
            line('SLO p99', report.steps.map(() => report.step.sloP99Ms), colors.target, { borderDash: [6, 3], borderWidth: 1 }),
          ],
        },
        options: { scales: { x: { title: { display: true, text: 'target rate' } }, y: msAxis('linear') }, plugins: { title: { display: true, text: 'Latency per step' } } },
      });
    }
  } catch (error) {
    document.body.dataset.chartError = String(error && error.message ? error.message : error);
    throw error;
  }
})();
`;

export function renderHtmlReport(report: LoadReport): string {
  const title = `Load test: ${report.scenario} at ${report.targetRate}/s`;
  const canvas = (id: string) => `<div class="chart"><canvas id="${id}"></canvas></div>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #212529; }
  h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; }
  table { border-collapse: collapse; margin: 8px 0; }
  th, td { padding: 3px 10px; border-bottom: 1px solid #dee2e6; text-align: right; }
  th:first-child, .summary td { text-align: left; }
  tr.fail td { color: #c92a2a; }
  .chart { position: relative; height: 320px; max-width: 1100px; margin: 12px 0 24px; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${summaryTable(report)}
<h2>Latency</h2>
${latencyTable(report)}
${stepsTable(report)}
${errorsTable(report)}
<h2>Over time</h2>
${canvas('latency-chart')}
${canvas('throughput-chart')}
${report.settleMs ? canvas('settle-chart') : ''}
${report.steps ? canvas('steps-chart') : ''}
<script id="report-data" type="application/json">${scriptJson(report)}</script>
<script>${chartJs().replace(/<\/script/gi, '<\\/script')}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

export async function writeHtmlReport(dir: string, report: LoadReport): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'report.html');
  await writeFile(file, renderHtmlReport(report));
  return file;
}
