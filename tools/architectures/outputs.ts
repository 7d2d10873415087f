/** Everything a finished (or re-rendered) comparison writes: results.json, report.md and the SVG charts. */
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { barChartSvg, timelineSvg, type Series } from './charts';
import { reportMarkdown } from './report';
import type { Architecture, FaultKind, Results } from './results';
import { ARCHITECTURE_ORDER, cpuMsPer, groupArchitecture, median } from './summary';

const COLORS: Record<Architecture, [string, string]> = {
  microservices: ['#1f77b4', '#aec7e8'],
  monolith: ['#ff7f0e', '#ffbb78'],
};

const present = (results: Results) =>
  ARCHITECTURE_ORDER.filter((architecture) =>
    [...results.browse, ...results.checkout, ...results.idle].some(
      (run) => run.architecture === architecture,
    ),
  );

/** The median over rounds of whatever `pick` reads from the runs that `match`. */
function med<T>(
  runs: readonly T[],
  match: (run: T) => boolean,
  pick: (run: T) => number | null,
): number | null {
  const value = median(runs.filter(match).map(pick));
  return Number.isNaN(value) ? null : value;
}

/** A process's name without its replica number: `payments-service#1` -> `payments-service`. */
const processName = (name: string) => name.replace(/#\d+$/, '');

/** Chart file name -> SVG text. */
export function charts(results: Results): Record<string, string> {
  const archs = present(results);
  const rates = [...new Set(results.checkout.map((run) => run.rate))].sort((a, b) => a - b);
  const out: Record<string, string> = {};

  out['throughput.svg'] = barChartSvg({
    title: `Browse: highest rate within the SLO (p99 ≤ ${JSON.stringify(results.settings['sloP99Ms'])} ms)`,
    yLabel: 'browses/s',
    categories: ['browse step test'],
    series: archs.map((a) => ({
      name: a,
      color: COLORS[a][0],
      values: [
        med(
          results.browse,
          (run) => run.architecture === a,
          (run) => run.maxRate,
        ),
      ],
    })),
  });

  const latencyCategories = ['browse at its highest rate', ...rates.map((rate) => `checkout POST ${rate}/s`)];
  const latency = (a: Architecture, which: 'p50' | 'p99'): Series => ({
    name: `${a} ${which}`,
    color: COLORS[a][which === 'p50' ? 1 : 0],
    values: [
      med(
        results.browse,
        (run) => run.architecture === a,
        (run) => (which === 'p50' ? run.p50AtMaxMs : run.p99AtMaxMs),
      ),
      ...rates.map((rate) =>
        med(
          results.checkout,
          (run) => run.architecture === a && run.rate === rate,
          (run) => (which === 'p50' ? run.p50Ms : run.p99Ms),
        ),
      ),
    ],
  });
  out['latency.svg'] = barChartSvg({
    title: 'HTTP latency from intended start, p50 and p99',
    yLabel: 'ms',
    categories: latencyCategories,
    series: archs.flatMap((a) => [latency(a, 'p50'), latency(a, 'p99')]),
  });

  out['settle.svg'] = barChartSvg({
    title: 'Checkout settle latency: POST to CONFIRMED/CANCELLED seen by the customer',
    yLabel: 'ms',
    categories: rates.map((rate) => `${rate} checkouts/s`),
    series: archs.flatMap((a) =>
      (['p50', 'p99'] as const).map((which) => ({
        name: `${a} ${which}`,
        color: COLORS[a][which === 'p50' ? 1 : 0],
        values: rates.map((rate) =>
          med(
            results.checkout,
            (run) => run.architecture === a && run.rate === rate,
            (run) => (which === 'p50' ? run.settleP50Ms : run.settleP99Ms),
          ),
        ),
      })),
    ),
  });

  // CPU per checkout, stacked by process: which hops the work goes to.
  const cpuCategories = rates.flatMap((rate) => archs.map((a) => ({ a, rate })));
  const cpuProcesses = [
    ...new Set(
      results.checkout.flatMap((run) =>
        Object.keys(run.resources.cpu)
          .filter((name) => groupArchitecture(name)?.architecture === run.architecture)
          .map((name) => processName(groupArchitecture(name)?.process ?? name)),
      ),
    ),
  ].sort();
  out['cpu.svg'] = barChartSvg({
    title: 'CPU per checkout (its settling included), by process',
    yLabel: 'CPU ms per checkout',
    categories: cpuCategories.map(({ a, rate }) => `${a} ${rate}/s`),
    stacked: true,
    series: cpuProcesses.map((process) => ({
      name: process,
      values: cpuCategories.map(({ a, rate }) =>
        med(
          results.checkout,
          (run) => run.architecture === a && run.rate === rate,
          (run) => {
            const percent = Object.entries(run.resources.cpu)
              .filter(
                ([name]) => name.startsWith(`${a}/`) && processName(name.slice(a.length + 1)) === process,
              )
              .reduce((sum, [, value]) => sum + value, 0);
            return cpuMsPer(percent, run.resources.windowS, run.accepted);
          },
        ),
      ),
    })),
  });

  const memoryProcesses = [
    ...new Set(results.idle.flatMap((run) => Object.keys(run.rssMiB).map(processName))),
  ].sort();
  out['memory.svg'] = barChartSvg({
    title: 'Resident memory at rest, by process (Postgres apart)',
    yLabel: 'MiB',
    categories: archs,
    stacked: true,
    series: memoryProcesses.map((process) => ({
      name: process,
      values: archs.map((a) =>
        med(
          results.idle,
          (run) => run.architecture === a,
          (run) =>
            Object.entries(run.rssMiB)
              .filter(([name]) => processName(name) === process)
              .reduce((sum, [, value]) => sum + value, 0),
        ),
      ),
    })),
  });

  for (const fault of ['kill', 'card-network-down'] as FaultKind[]) {
    // The first round's run of each architecture: a timeline does not average.
    const runs = archs.flatMap(
      (a) => results.faults.find((run) => run.architecture === a && run.fault === fault) ?? [],
    );
    if (runs.length === 0) continue;
    out[`fault-${fault}.svg`] = timelineSvg({
      title:
        fault === 'kill'
          ? `Checkouts at ${runs[0]?.rate}/s while the process holding payments is killed`
          : `Checkouts at ${runs[0]?.rate}/s while the card network is unreachable`,
      yLabel: 'per second',
      panels: runs.map((run) => ({
        title: `${run.architecture}: ${run.target}`,
        // The fault's window: from the injection to the last second of the settle gap after it.
        shade: {
          from: run.injectedAtS,
          to: run.summary.windowToS + 1,
          label: fault === 'kill' ? 'killed … settling again' : 'card network down … settling again',
        },
        lines: [
          { name: 'POSTs accepted (202)', color: '#2ca02c', values: run.timeline.map((s) => s.accepted) },
          { name: 'POSTs failed', color: '#d62728', values: run.timeline.map((s) => s.failed) },
          { name: 'orders settled', color: '#1f77b4', values: run.timeline.map((s) => s.settled) },
        ],
      })),
    });
  }
  return out;
}

export function writeOutputs(results: Results, outDir: string): void {
  writeFileSync(join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  const svgs = charts(results);
  for (const [name, svg] of Object.entries(svgs)) writeFileSync(join(outDir, name), svg);
  const markdown = reportMarkdown(results, Object.keys(svgs));
  writeFileSync(join(outDir, 'report.md'), markdown);
  process.stdout.write(
    `\n${markdown}\nwritten to ${relative(process.cwd(), outDir) || '.'}/{results.json,report.md,${Object.keys(svgs).join(',')}}\n`,
  );
}
