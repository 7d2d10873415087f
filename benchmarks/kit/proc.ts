/** CPU time and memory of processes, and how busy the whole machine is, read from Linux's /proc. */
import { readFileSync, readdirSync } from 'node:fs';
import { round } from './figures';

export const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export interface ProcStat {
  pid: number;
  ppid: number;
  comm: string;
  /** utime + stime, in ticks. */
  ticks: number;
  /** Start time since boot, in ticks: with the pid, names a process (kernel threads change their comm). */
  started: string;
}

export function readStat(pid: number): ProcStat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    // After "pid (comm) ": state ppid ... utime (index 11) stime (12) ... starttime (19).
    return {
      pid,
      ppid: Number(fields[1]),
      comm: stat.slice(stat.indexOf('(') + 1, close),
      ticks: Number(fields[11]) + Number(fields[12]),
      started: fields[19] ?? '',
    };
  } catch {
    return undefined;
  }
}

export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return '';
  }
}

export function allPids(): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number);
}

/** Resident memory (VmRSS) in MiB; undefined once the process is gone. */
export function rssMiB(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? round(Number(match[1]) / 1024, 1) : undefined;
  } catch {
    return undefined;
  }
}

/** Whole-machine CPU ticks: busy and total (all cores). */
export function machineTicks(): { busy: number; total: number } {
  const cpu = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').split(/\s+/).slice(1).map(Number);
  const total = cpu.reduce((sum, value) => sum + (Number.isFinite(value) ? value : 0), 0);
  const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
  return { busy: total - idle, total };
}

/**
 * Waits until the whole machine has been less than `belowPercent` busy (all cores) over 3 s, or
 * `timeoutS` has passed; answers how long that took and how busy it was last.
 */
export async function waitForQuiet(
  belowPercent: number,
  timeoutS: number,
): Promise<{ waitedS: number; busyPercent: number }> {
  const started = performance.now();
  for (;;) {
    const before = machineTicks();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const after = machineTicks();
    const busyPercent = round(((after.busy - before.busy) / Math.max(1, after.total - before.total)) * 100);
    const waitedS = round((performance.now() - started) / 1000);
    if (busyPercent < belowPercent || waitedS >= timeoutS) return { waitedS, busyPercent };
  }
}
