/** CPU per process of a stack between two moments, with the machine's other work accounted apart. */
import { cpus } from 'node:os';
import type { Stack } from '@shop/stack';
import { round } from './figures';
import { TICKS_PER_SECOND, allPids, commandLine, machineTicks, readStat } from './proc';

/**
 * The processes of one stack, by name: each app replica (`payments-service#2`), the broker and the
 * mail catcher (when the stack started them), this process (`load generator`), and the Postgres
 * backends serving the stack's databases (summed as `postgres (stack backends)`). `postgres (server,
 * other)` is the rest of the server's processes (checkpointer, WAL writer, other clients' backends):
 * the server is shared with other work.
 */
export interface ProcessGroups {
  /** Name -> pids, re-read on every snapshot for the Postgres backends (connections come and go). */
  resolve(): Map<string, number[]>;
}

export function stackProcessGroups(stack: Stack): ProcessGroups {
  const databases = Object.values(stack.databases);
  const apps = stack.processes.map((app) => ({ label: app.label, pid: app.pid() ?? -1 }));
  return {
    resolve() {
      const groups = new Map<string, number[]>();
      const add = (name: string, pid: number) => groups.set(name, [...(groups.get(name) ?? []), pid]);
      for (const app of apps) add(app.label, app.pid);
      if (stack.brokerPid !== undefined) add('kafka broker', stack.brokerPid);
      if (stack.mail.pid !== undefined) add('mail catcher', stack.mail.pid);
      add('load generator', process.pid);
      for (const pid of allPids()) {
        const stat = readStat(pid);
        if (stat?.comm === 'postgres') {
          // Backends show "postgres: 15/main: <role> <database> 127.0.0.1(port) idle".
          const line = commandLine(pid);
          const ours = databases.some((database) => line.includes(` ${database} `));
          add(ours ? 'postgres (stack backends)' : 'postgres (server, other)', pid);
        }
      }
      return groups;
    },
  };
}

export interface CpuSnapshot {
  at: number;
  ticks: Map<number, { comm: string; ticks: number }>;
  machine: { busy: number; total: number };
  groups: Map<string, number[]>;
}

export function cpuSnapshot(groups: ProcessGroups): CpuSnapshot {
  const resolved = groups.resolve();
  const ticks = new Map<number, { comm: string; ticks: number }>();
  for (const pids of resolved.values())
    for (const pid of pids) {
      const stat = readStat(pid);
      if (stat) ticks.set(pid, { comm: stat.comm, ticks: stat.ticks });
    }
  return { at: performance.now(), ticks, machine: machineTicks(), groups: resolved };
}

/**
 * CPU per group between two snapshots, in percent of one core (200% = both cores of a 2-core machine),
 * plus `machine busy` (all cores, same unit) and `other` (busy time no group accounts for).
 */
export function cpuPercent(before: CpuSnapshot, after: CpuSnapshot): Record<string, number> {
  const seconds = (after.at - before.at) / 1000;
  const result: Record<string, number> = {};
  let accounted = 0;
  for (const [name, pids] of after.groups) {
    let ticks = 0;
    for (const pid of pids) {
      const end = after.ticks.get(pid);
      if (!end) continue;
      const start = before.ticks.get(pid);
      // A process that started during the window counts from zero; a reused pid is a new process.
      ticks += start && start.comm === end.comm ? Math.max(0, end.ticks - start.ticks) : end.ticks;
    }
    accounted += ticks;
    result[name] = round((ticks / TICKS_PER_SECOND / seconds) * 100, 1);
  }
  const cores = cpus().length;
  const machineBusy = after.machine.busy - before.machine.busy;
  const machineTotal = Math.max(1, after.machine.total - before.machine.total);
  // /proc/stat counts every core: busy share times the core count is "percent of one core".
  result['machine busy'] = round((machineBusy / machineTotal) * cores * 100, 1);
  result['other'] = round(
    Math.max(0, result['machine busy'] - (accounted / TICKS_PER_SECOND / seconds) * 100),
    1,
  );
  return result;
}

/** The busiest single process of the shop (not the load generator, not the machine's other work). */
export function busiest(cpu: Record<string, number>): { name: string; cpuPercent: number } {
  const candidates = Object.entries(cpu).filter(
    ([name]) => !['machine busy', 'other', 'load generator', 'postgres (server, other)'].includes(name),
  );
  const [name, value] = candidates.sort((a, b) => b[1] - a[1])[0] ?? ['none', 0];
  return { name, cpuPercent: value };
}
