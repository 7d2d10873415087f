/** The experiment's figures as text: the Markdown table of results.md, and the CPU table it prints. */
import { round, table } from '../../benchmarks/bench-kit';
import type { StepSlo } from '@shop/load-generator';
import { cpuGroups, shopCpu } from './cpu-by-step';
import type { RunResult } from './results';

const fmt = (value: number | null | undefined, digits = 1) =>
  value === null || value === undefined || Number.isNaN(value) ? '–' : String(round(value, digits));

/** One row per replica count; the latency headings say which SLO judged the steps. */
export function markdownTable(runs: readonly RunResult[], slo: StepSlo): string {
  const header = [
    'replicas',
    'max rate (/s)',
    `p99 at that rate (ms; SLO ${slo.sloP99Ms})`,
    `settle p99 at that rate (ms; ${slo.sloSettleP99Ms === undefined ? 'not judged' : `SLO ${slo.sloSettleP99Ms}`})`,
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
      fmt(round(shopCpu(final), 1), 0),
      fmt(final['other'], 0),
      run.loadAverage[0]?.toFixed(2) ?? '–',
    ];
  });
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The six busiest process groups of each run's final step, % of one core. */
export function finalStepCpuTable(runs: readonly RunResult[]): string {
  const rows = runs.map((run) => {
    const cpu = cpuGroups(run.steps.at(-1)?.cpu ?? {});
    return [
      `x${run.replicas} @ ${run.finalStep.rate}/s`,
      ...Object.entries(cpu)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6)
        .map(([name, value]) => `${name} ${value}`),
    ];
  });
  return table(rows.map((row) => [...row, ...Array.from({ length: 7 - row.length }, () => '')]));
}
