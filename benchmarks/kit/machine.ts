/** The machine a figure was taken on, recorded with it: figures from different machines do not compare. */
import { cpus, loadavg, release, totalmem } from 'node:os';
import { round } from './figures';

/** The 1-, 5- and 15-minute load averages: how much else wanted the CPUs while a figure was taken. */
export const loadAverage = (): number[] => loadavg().map((value) => round(value, 2));

export interface Machine {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  kernel: string;
  loadAverageAtStart: number[];
}

export function machine(): Machine {
  const list = cpus();
  return {
    cores: list.length,
    cpuModel: list[0]?.model ?? 'unknown',
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    kernel: release(),
    loadAverageAtStart: loadAverage(),
  };
}

export const describeMachine = (m: Machine): string =>
  `machine: ${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}, Linux ${m.kernel}; ` +
  `load average ${m.loadAverageAtStart.join(' / ')}`;
