import { describe, expect, it } from '@jest/globals';
import { barChartSvg, niceScale, timelineSvg } from './charts';
import { charts } from './outputs';
import { browseTable, checkoutTable, faultTable, markdownTable, memoryTable } from './report';
import type { CheckoutRun, FaultRun, Results } from './results';

const machine = {
  cores: 2,
  cpuModel: 'test',
  memoryGiB: 8,
  node: 'v24',
  kernel: '6',
  loadAverageAtStart: [1, 1, 1],
};

const resources = (shop: number, rss: Record<string, number>) => ({
  cpu: {},
  shopCpuPercent: shop,
  idleStackCpuPercent: 0,
  machineBusyPercent: 100,
  otherWorkPercent: 0,
  rssMiB: rss,
  windowS: 10,
});

const checkout = (architecture: CheckoutRun['architecture'], round: number, p99Ms: number): CheckoutRun => ({
  architecture,
  round,
  rate: 20,
  requests: 200,
  accepted: 199,
  errors: 1,
  p50Ms: 10,
  p99Ms,
  settleP50Ms: 300,
  settleP99Ms: 900,
  settled: 199,
  timedOut: 0,
  cpuMsPerCheckout: architecture === 'monolith' ? 8 : 20,
  resources: resources(40, { 'gateway#1': 100, 'orders-service#1': 110 }),
  reportDir: 'x',
});

const fault = (architecture: FaultRun['architecture']): FaultRun => ({
  architecture,
  round: 1,
  fault: 'kill',
  target: architecture === 'monolith' ? 'monolith#1' : 'payments-service#1',
  rate: 10,
  durationS: 30,
  injectedAtS: 6.1,
  clearedAtS: 6.8,
  apiDownS: architecture === 'monolith' ? 4.2 : 0,
  summary: {
    accepted: 250,
    failed: architecture === 'monolith' ? 45 : 0,
    acceptedInWindow: architecture === 'monolith' ? 3 : 80,
    failedInWindow: architecture === 'monolith' ? 45 : 0,
    windowToS: 13,
    settleGapS: 7,
    settled: 250,
    timedOut: 0,
    completeness: 1,
    settleP50Ms: 200,
    settleP99Ms: 7000,
    settleMaxMs: 7400,
  },
  timeline: [
    { t: 0, accepted: 10, failed: 0, settled: 8 },
    { t: 1, accepted: 0, failed: 10, settled: 0 },
  ],
  reportDir: 'y',
});

const results: Results = {
  experiment: 'architectures',
  measuredAt: '2026-12-05T08:00:00.000Z',
  machine,
  loadAverageAtEnd: [2, 2, 2],
  settings: { sloP99Ms: 250 },
  idle: [
    {
      architecture: 'microservices',
      round: 1,
      rssMiB: { 'gateway#1': 100, 'kafka broker': 50 },
      postgresBackends: 12,
      postgresBackendsRssMiB: 100,
      cpuPercent: 3,
    },
    {
      architecture: 'monolith',
      round: 1,
      rssMiB: { 'monolith#1': 180 },
      postgresBackends: 6,
      postgresBackendsRssMiB: 50,
      cpuPercent: 1,
    },
  ],
  browse: [
    {
      architecture: 'microservices',
      round: 1,
      maxRate: 60,
      p50AtMaxMs: 8,
      p99AtMaxMs: 200,
      steps: [
        { rate: 60, pass: true, p50Ms: 8, p99Ms: 200, errors: 0, cpuMsPerArrival: 12.5, shopCpuPercent: 75 },
      ],
      reportDir: 'b',
    },
    {
      architecture: 'monolith',
      round: 1,
      maxRate: 140,
      p50AtMaxMs: 4,
      p99AtMaxMs: 120,
      steps: [],
      reportDir: 'b',
    },
  ],
  checkout: [checkout('microservices', 1, 50), checkout('microservices', 2, 70), checkout('monolith', 1, 20)],
  faults: [fault('microservices'), fault('monolith')],
};

describe('report tables', () => {
  it('pads every cell of a column to the same width', () => {
    expect(markdownTable(['a', 'bbb'], [['long cell', 'x']])).toBe(
      ['| a         | bbb |', '| --------- | --- |', '| long cell | x   |'].join('\n'),
    );
  });

  it('gives the browse capacity and the CPU per browse at it, per architecture', () => {
    const table = browseTable(results);
    expect(table).toMatch(/\| microservices \| 60 +\| 8 +\| 200 +\| 12\.5 +\|/);
    expect(table).toMatch(/\| monolith +\| 140 +\| 4 +\| 120 +\| – +\|/);
  });

  it('shows the median over rounds with the range, and sums the orders', () => {
    const table = checkoutTable(results);
    expect(table).toContain('60 (50–70)');
    expect(table).toContain('398 / 398, 0 timed out, 2 errors');
    expect(table).toMatch(/\| 20\/s +\| monolith +\| 10 +\| 20 +\|/);
  });

  it('counts the processes and their memory at rest', () => {
    const table = memoryTable(results);
    expect(table).toMatch(/\| microservices \| 2 +\| 150 +\| gateway#1 100, kafka broker 50 \| 12/);
    expect(table).toMatch(/\| monolith +\| 1 +\| 180 /);
  });

  it('says for each fault how long the API was down and what happened to the POSTs', () => {
    const table = faultTable(results);
    expect(table).toMatch(/\| kill +\| monolith +\| monolith#1 +\| 4\.2 +\| 0\.7 +\| 3 \/ 45 +\| 7 /);
    expect(table).toMatch(/\| kill +\| microservices \| payments-service#1 \| 0 +\| 0\.7 +\| 80 \/ 0 /);
  });
});

describe('charts', () => {
  it('rounds an axis up to 1, 2, 2.5 or 5 times a power of ten', () => {
    expect(niceScale(87)).toEqual({ max: 100, step: 25 });
    expect(niceScale(0)).toEqual({ max: 1, step: 0.25 });
    expect(niceScale(3.2).max).toBeGreaterThanOrEqual(3.2);
  });

  it('draws one bar per figure, labelled, and escapes the text', () => {
    const svg = barChartSvg({
      title: 'p99 < SLO & more',
      yLabel: 'ms',
      categories: ['a', 'b'],
      series: [
        { name: 'one', values: [10, null] },
        { name: 'two', values: [20, 30] },
      ],
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('p99 &lt; SLO &amp; more');
    expect(svg.match(/<rect x=[^>]*><title>/g)).toHaveLength(3);
    expect(svg).toContain('<title>two: 30</title>');
  });

  it('stacks the series and labels each stack with its total', () => {
    const svg = barChartSvg({
      title: 't',
      yLabel: 'MiB',
      categories: ['x'],
      stacked: true,
      series: [
        { name: 'p', values: [40] },
        { name: 'q', values: [55.5] },
      ],
    });
    expect(svg).toContain('>95.5</text>');
  });

  it('shades the fault window on the timeline', () => {
    const svg = timelineSvg({
      title: 't',
      yLabel: '/s',
      panels: [
        { title: 'p', shade: { from: 2, to: 5, label: 'down' }, lines: [{ name: 'l', values: [1, 2, 3] }] },
      ],
    });
    expect(svg).toContain('fill="#fbe3e3"');
    expect(svg).toContain('<polyline');
  });

  it('makes every chart of a comparison, the faults one per kind that ran', () => {
    expect(Object.keys(charts(results)).sort()).toEqual([
      'cpu.svg',
      'fault-kill.svg',
      'latency.svg',
      'memory.svg',
      'settle.svg',
      'throughput.svg',
    ]);
  });
});
