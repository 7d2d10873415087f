import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { renderHtmlReport, writeHtmlReport } from '../src/report-html';
import { syntheticReport } from './synthetic-report';

/**
 * report.html opened in headless Chromium, offline: each chart must draw (the page marks a canvas with
 * `data-rendered` and the count of painted pixels once Chart.js has rendered it).
 */
const CHROMIUM = process.env['CHROMIUM_PATH'] || '/usr/bin/chromium';

async function renderedDom(file: string, profileDir: string): Promise<string> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `headless Chromium is needed at ${CHROMIUM} to check that report.html draws its charts: ` +
        'install the Debian package "chromium" (apt-get install -y chromium) or set CHROMIUM_PATH',
    );
  }
  const { stdout } = await promisify(execFile)(
    CHROMIUM,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--no-default-browser-check',
      `--user-data-dir=${profileDir}`,
      '--window-size=1280,2000',
      '--virtual-time-budget=5000',
      '--dump-dom',
      pathToFileURL(file).href,
    ],
    { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout;
}

function canvases(dom: string) {
  return [...dom.matchAll(/<canvas\b[^>]*>/g)].map(([tag]) => ({
    id: /\bid="([^"]+)"/.exec(tag)?.[1],
    rendered: /\bdata-rendered="true"/.test(tag),
    paintedPixels: Number(/\bdata-painted-pixels="(\d+)"/.exec(tag)?.[1] ?? 0),
    datasets: (/\bdata-datasets="([^"]*)"/.exec(tag)?.[1] ?? '').split('|'),
  }));
}

describe('report.html in headless Chromium', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loadgen-html-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('draws every chart of a step run: latency, throughput and errors, settle with its SLO, steps', async () => {
    const file = await writeHtmlReport(
      join(dir, 'steps'),
      syntheticReport([20, 40, 60, 80], { sloP99Ms: 30, sloSettleP99Ms: 200 }),
    );
    const dom = await renderedDom(file, join(dir, 'profile-steps'));

    expect(dom).not.toMatch(/data-chart-error/);
    const charts = canvases(dom);
    expect(charts.map((chart) => chart.id)).toEqual([
      'latency-chart',
      'throughput-chart',
      'settle-chart',
      'steps-chart',
    ]);
    for (const chart of charts) {
      expect(chart).toMatchObject({ rendered: true });
      // Axes, labels and lines: a drawn chart paints thousands of pixels, an empty canvas none.
      expect(chart.paintedPixels).toBeGreaterThan(5000);
    }
    expect(dom).toMatch(/data-charts-rendered="4"/);
    expect(dom).toContain('highest rate within SLO');
    expect(charts.find((chart) => chart.id === 'settle-chart')?.datasets).toEqual([
      'p50',
      'p90',
      'p99',
      'max',
      'SLO settle p99',
    ]);
    expect(charts.find((chart) => chart.id === 'steps-chart')?.datasets).toContain('SLO p99');
  });

  it('draws the two timeline charts of a browse-like run without settle data', async () => {
    const report = { ...syntheticReport([50]), scenario: 'browse' as const };
    delete report.settleMs;
    delete report.settle;
    for (const point of report.timeline) {
      delete point.settleMs;
      delete point.settled;
    }
    const file = await writeHtmlReport(join(dir, 'browse'), report);
    const charts = canvases(await renderedDom(file, join(dir, 'profile-browse')));
    expect(charts.map((chart) => [chart.id, chart.rendered])).toEqual([
      ['latency-chart', true],
      ['throughput-chart', true],
    ]);
  });

  it('is one self-contained file: the chart library inlined, nothing loaded from elsewhere', () => {
    const html = renderHtmlReport(syntheticReport([50]));
    expect(html).toContain('Chart.js v4');
    expect(html).not.toMatch(/<script[^>]+\bsrc=/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/\b(src|href)="https?:/i);
  });
});
