/**
 * CPU accounting from /proc: which process spent the machine's time during the measured window.
 * Every process on the machine is read, not only the stack's, so that what the shop did not use is
 * seen as `other` rather than missed.
 */
import type { Stack } from '@shop/stack';
import { allPids, commandLine, readStat, TICKS_PER_SECOND, type ProcStat } from '../bench-kit';

export type ProcessSample = ProcStat;

export function sampleProcesses(): Map<number, ProcessSample> {
  const samples = new Map<number, ProcessSample>();
  for (const pid of allPids()) {
    const stat = readStat(pid);
    // Undefined when the process is gone meanwhile.
    if (stat) samples.set(pid, stat);
  }
  return samples;
}

export type Labeller = (pid: number, sample: ProcessSample, all: Map<number, ProcessSample>) => string;

/** What one phase's labeller knows: its own processes and, side by side, its siblings'. */
export interface PhaseProcesses {
  stack: Stack;
  sinkPid: number;
  databasePrefix: string;
  /** The other stacks running at the same time (side by side): their apps, brokers, sinks, databases. */
  siblings?: { pids: ReadonlySet<number>; databasePrefixes: readonly string[] };
}

/** Names the processes that matter; everything else on the machine is `other`. */
export function labeller({ stack, sinkPid, databasePrefix, siblings }: PhaseProcesses): Labeller {
  const apps = new Map(stack.processes.map((app) => [app.pid() ?? -1, app.label.replace(/#1$/, '')]));
  const descendant = (pid: number, all: Map<number, ProcessSample>): boolean => {
    for (
      let current = all.get(pid)?.ppid, hops = 0;
      current && hops < 10;
      current = all.get(current)?.ppid, hops++
    )
      if (current === process.pid) return true;
    return false;
  };
  return (pid, sample, all) => {
    if (pid === process.pid) return 'load generator';
    if (pid === sinkPid) return 'otlp sink';
    if (pid === stack.brokerPid) return 'kafka broker';
    const app = apps.get(pid);
    if (app) return app;
    if (siblings?.pids.has(pid)) return 'other stack';
    if (sample.comm === 'postgres') {
      // Backends name their database in the process title; other stacks may share the server.
      const title = commandLine(pid);
      if (title.includes(databasePrefix)) return 'postgres';
      if (siblings?.databasePrefixes.some((prefix) => title.includes(prefix))) return 'other stack';
      if (/^postgres: [^:]+: (checkpointer|background writer|walwriter|autovacuum|logical|stats)/.test(title))
        return 'postgres server';
      return title.startsWith('postgres: ') && !/^postgres: [^:]+: \S+ \S+ /.test(title)
        ? 'postgres server'
        : 'other';
    }
    if (descendant(pid, all)) return `child: ${sample.comm}`;
    return 'other';
  };
}

/** The process groups that are the shop itself (not the load, the sink, or other work on the machine). */
export const SHOP_GROUPS = (name: string): boolean =>
  !['other', 'other stack', 'load generator', 'otlp sink'].includes(name) && !name.startsWith('child: ');

/** CPU seconds per process group between two samples. */
export function cpuByComponent(
  before: Map<number, ProcessSample>,
  after: Map<number, ProcessSample>,
  label: Labeller,
): Record<string, number> {
  const seconds: Record<string, number> = {};
  for (const [pid, sample] of after) {
    const start = before.get(pid);
    // A process started within the window spent all its time in it.
    const ticks = start && start.started === sample.started ? sample.ticks - start.ticks : sample.ticks;
    if (ticks <= 0) continue;
    const name = label(pid, sample, after);
    seconds[name] = (seconds[name] ?? 0) + ticks / TICKS_PER_SECOND;
  }
  return seconds;
}
