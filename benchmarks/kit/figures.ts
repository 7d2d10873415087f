/** Turning measurements into figures: rounding, percentiles, a printed table, the results file. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { WORKSPACE_ROOT } from '@shop/stack';

export const round = (value: number, digits = 1): number => Math.round(value * 10 ** digits) / 10 ** digits;

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export const mean = (values: readonly number[]): number =>
  values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : NaN;

export function summarize(values: readonly number[], digits = 2) {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 50), digits),
    p90: round(percentile(sorted, 90), digits),
    p99: round(percentile(sorted, 99), digits),
    max: round(sorted.at(-1) ?? NaN, digits),
    mean: round(mean(sorted), digits),
  };
}

/** A plain-text table: first column left-aligned, the others right-aligned. */
export function table(rows: readonly (readonly (string | number)[])[]): string {
  const cells = rows.map((row) => row.map(String));
  const widths = (cells[0] ?? []).map((_, column) =>
    Math.max(...cells.map((row) => (row[column] ?? '').length)),
  );
  return cells
    .map((row) =>
      row
        .map((cell, column) =>
          column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
        )
        .join('  '),
    )
    .join('\n');
}

/** Writes benchmarks/results/<name>.json and says where. */
export function writeResults(name: string, data: Record<string, unknown>): string {
  const file = join(WORKSPACE_ROOT, 'benchmarks', 'results', `${name}.json`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(
    file,
    `${JSON.stringify({ benchmark: name, measuredAt: new Date().toISOString(), ...data }, null, 2)}\n`,
  );
  process.stdout.write(`figures written to ${relative(process.cwd(), file) || file}\n`);
  return file;
}
