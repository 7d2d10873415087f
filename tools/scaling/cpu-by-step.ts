/**
 * CPU per process group for each step of a run: the snapshots sampled while the load ran, matched to
 * the seconds each step's arrivals were scheduled in.
 */
import type { LoadReport } from '@shop/load-generator';
import { cpuPercent, round, type CpuSnapshot } from '../../benchmarks/bench-kit';

/** CPU groups that are not the shop: the load, the machine's other work, the Postgres server's own. */
const NOT_SHOP = ['machine busy', 'other', 'load generator', 'postgres (server, other)'];

function nearest(snapshots: readonly CpuSnapshot[], at: number): CpuSnapshot | undefined {
  let best: CpuSnapshot | undefined;
  for (const snapshot of snapshots)
    if (!best || Math.abs(snapshot.at - at) < Math.abs(best.at - at)) best = snapshot;
  return best;
}

/** Each step's CPU, from the snapshots nearest the first and last second its arrivals were meant for. */
export function stepCpu(
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

/** The shop's own processes together (apps, broker, mail catcher, the stack's Postgres backends). */
export const shopCpu = (cpu: Record<string, number>): number =>
  Object.entries(cpu)
    .filter(([name]) => !NOT_SHOP.includes(name))
    .reduce((sum, [, value]) => sum + value, 0);

/** CPU ms one arrival cost at `rate`: percent of one core x 10 = CPU ms per second. */
export const cpuMsPerArrival = (
  cpu: Record<string, number>,
  rate: number,
): { shop: number; loadGenerator: number } => ({
  shop: round((shopCpu(cpu) * 10) / rate, 1),
  loadGenerator: round(((cpu['load generator'] ?? 0) * 10) / rate, 1),
});

/** Process groups for the CPU chart: the replicas of one app summed, Postgres backends of the stack. */
export function cpuGroups(cpu: Record<string, number>): Record<string, number> {
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
