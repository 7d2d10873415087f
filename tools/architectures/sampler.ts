/**
 * CPU and resident memory of every process of both stacks, sampled from /proc twice a second while
 * the comparison runs; a window of it (one run's seconds under load) becomes that run's Resources.
 */
import {
  cpuPercent,
  cpuSnapshot,
  rssMiB,
  type CpuSnapshot,
  type ProcessGroups,
} from '../../benchmarks/bench-kit';
import { resourcesOf } from './summary';
import type { Architecture, Resources } from './results';

export const SAMPLE_EVERY_MS = 500;

interface Sample {
  /** Epoch ms, comparable with the load report's startedAt. */
  at: number;
  snapshot: CpuSnapshot;
  /** Resident memory per group, MiB (summed over the group's processes). */
  rss: Map<string, number>;
}

export interface Sampler {
  /** CPU (between the samples nearest `from` and `to`, epoch ms) and highest RSS within, per group. */
  window(from: number, to: number): { cpu: Record<string, number>; rssMiB: Record<string, number> };
  /** The same, as the Resources of one architecture's run. */
  resources(architecture: Architecture, from: number, to: number): Resources;
  /** The latest sample's RSS per group and process count. */
  latest(): { rssMiB: Record<string, number>; processes: Record<string, number> };
  stop(): void;
}

function sample(groups: ProcessGroups): Sample {
  const snapshot = cpuSnapshot(groups);
  const rss = new Map<string, number>();
  for (const [name, pids] of snapshot.groups)
    rss.set(
      name,
      pids.reduce((sum, pid) => sum + (rssMiB(pid) ?? 0), 0),
    );
  return { at: performance.timeOrigin + snapshot.at, snapshot, rss };
}

function nearest(samples: readonly Sample[], at: number): Sample | undefined {
  let best: Sample | undefined;
  for (const each of samples) if (!best || Math.abs(each.at - at) < Math.abs(best.at - at)) best = each;
  return best;
}

export function startSampler(groups: ProcessGroups): Sampler {
  const samples: Sample[] = [sample(groups)];
  const timer = setInterval(() => {
    samples.push(sample(groups));
    // Two hours of samples at most: a long comparison must not grow without bound.
    if (samples.length > 14_400) samples.shift();
  }, SAMPLE_EVERY_MS);

  const window = (from: number, to: number) => {
    // A window that ends now needs a sample taken now.
    if (to > (samples.at(-1)?.at ?? 0)) samples.push(sample(groups));
    const first = nearest(samples, from);
    const last = nearest(samples, to);
    const cpu = first && last && last.at > first.at ? cpuPercent(first.snapshot, last.snapshot) : {};
    const rss: Record<string, number> = {};
    for (const each of samples) {
      if (each.at < from - SAMPLE_EVERY_MS || each.at > to + SAMPLE_EVERY_MS) continue;
      for (const [name, mib] of each.rss) rss[name] = Math.max(rss[name] ?? 0, mib);
    }
    return { cpu, rssMiB: rss };
  };

  return {
    window,
    resources: (architecture, from, to) => resourcesOf(architecture, window(from, to), (to - from) / 1000),
    latest() {
      const last = sample(groups);
      samples.push(last);
      return {
        rssMiB: Object.fromEntries(last.rss),
        processes: Object.fromEntries([...last.snapshot.groups].map(([name, pids]) => [name, pids.length])),
      };
    },
    stop: () => clearInterval(timer),
  };
}
