/**
 * The pure arithmetic of the comparison: an architecture's share of the sampled CPU and memory, the
 * seconds of a fault run and what the fault did to them, and the median over rounds.
 */
import type { LatencySummary, TimelinePoint } from '@shop/load-generator';
import type { Architecture, FaultSecond, FaultSummary, Resources } from './results';

export const ARCHITECTURE_ORDER: readonly Architecture[] = ['microservices', 'monolith'];

export const round1 = (value: number): number => Math.round(value * 10) / 10;

/** The architecture of a sampled group (`monolith/monolith#1`), or undefined for shared ones. */
export function groupArchitecture(name: string): { architecture: Architecture; process: string } | undefined {
  const slash = name.indexOf('/');
  const architecture = name.slice(0, slash);
  if (slash < 0 || !(ARCHITECTURE_ORDER as readonly string[]).includes(architecture)) return undefined;
  return { architecture: architecture as Architecture, process: name.slice(slash + 1) };
}

/** Whether a process group is Postgres (its memory is mostly shared buffers: counted apart). */
export const isPostgres = (process: string): boolean => process.startsWith('postgres');

/** One architecture's part of a sampled window: its CPU, the idle other stack's, its processes' memory. */
export function resourcesOf(
  architecture: Architecture,
  sampled: { cpu: Record<string, number>; rssMiB: Record<string, number> },
  windowS: number,
): Resources {
  let shop = 0;
  let idle = 0;
  for (const [name, percent] of Object.entries(sampled.cpu)) {
    const owner = groupArchitecture(name);
    if (!owner) continue;
    if (owner.architecture === architecture) shop += percent;
    else idle += percent;
  }
  const rssMiB: Record<string, number> = {};
  for (const [name, mib] of Object.entries(sampled.rssMiB)) {
    const owner = groupArchitecture(name);
    if (owner?.architecture === architecture && !isPostgres(owner.process))
      rssMiB[owner.process] = round1(mib);
  }
  return {
    cpu: sampled.cpu,
    shopCpuPercent: round1(shop),
    idleStackCpuPercent: round1(idle),
    machineBusyPercent: sampled.cpu['machine busy'] ?? 0,
    otherWorkPercent: sampled.cpu['other'] ?? 0,
    rssMiB,
    windowS: round1(windowS),
  };
}

/** CPU milliseconds per unit of work: percent of one core over `windowS`, shared by `count`. */
export const cpuMsPer = (percent: number, windowS: number, count: number): number =>
  count > 0 ? round1(((percent / 100) * windowS * 1000) / count) : NaN;

/**
 * CPU ms per checkout beyond what the stack burns at rest (the same round's idle figure): the work the
 * checkouts themselves caused.
 */
export function cpuMsAboveIdle(
  run: { architecture: Architecture; round: number; accepted: number; resources: Resources },
  idle: readonly { architecture: Architecture; round: number; cpuPercent: number }[],
): number {
  const rest = idle.find((each) => each.architecture === run.architecture && each.round === run.round);
  if (!rest) return NaN;
  return cpuMsPer(
    Math.max(0, run.resources.shopCpuPercent - rest.cpuPercent),
    run.resources.windowS,
    run.accepted,
  );
}

/** Sum of a record's values (memory of all of an architecture's processes). */
export const total = (values: Record<string, number>): number =>
  round1(Object.values(values).reduce((sum, value) => sum + value, 0));

/** The load report's seconds as a fault run reads them: POSTs answered 202 or not, orders settled. */
export function faultSeconds(timeline: readonly TimelinePoint[]): FaultSecond[] {
  return timeline.map((point) => ({
    t: point.t,
    accepted: point.completed - point.errors,
    failed: point.errors + point.dropped,
    settled: point.settled ?? 0,
  }));
}

/**
 * The longest stretch of whole seconds, from `fromS` on, in which no order settled while some accepted
 * order was still pending: how long the saga stood still, as the customers saw it.
 */
export function settleGap(
  seconds: readonly FaultSecond[],
  fromS: number,
): { startS: number; lengthS: number } {
  let accepted = 0;
  let settled = 0;
  let best = { startS: fromS, lengthS: 0 };
  let current: { startS: number; lengthS: number } | undefined;
  for (const second of seconds) {
    const pending = accepted > settled;
    accepted += second.accepted;
    settled += second.settled;
    if (second.t < fromS) continue;
    if (second.settled === 0 && pending) {
      current = current ? { ...current, lengthS: current.lengthS + 1 } : { startS: second.t, lengthS: 1 };
      if (current.lengthS > best.lengthS) best = current;
    } else {
      current = undefined;
    }
  }
  return best;
}

/**
 * What a fault did: POSTs accepted and failed over the run and in the fault window (from the injection to
 * whichever ends last, the fault itself or the settle gap after it), and how completely and how late the
 * orders settled.
 */
export function summarizeFault(
  seconds: readonly FaultSecond[],
  fault: { injectedAtS: number; clearedAtS: number | null },
  settle: { settled: number; timedOut: number; latencyMs: Pick<LatencySummary, 'p50' | 'p99' | 'max'> },
): FaultSummary {
  const from = Math.floor(fault.injectedAtS);
  const gap = settleGap(seconds, from);
  const to = Math.max(
    from,
    fault.clearedAtS === null ? from : Math.floor(fault.clearedAtS),
    gap.lengthS > 0 ? gap.startS + gap.lengthS - 1 : from,
  );
  const sum = (pick: (second: FaultSecond) => number, inWindow: boolean) =>
    seconds
      .filter((second) => !inWindow || (second.t >= from && second.t <= to))
      .reduce((acc, second) => acc + pick(second), 0);
  const accepted = sum((second) => second.accepted, false);
  return {
    accepted,
    failed: sum((second) => second.failed, false),
    acceptedInWindow: sum((second) => second.accepted, true),
    failedInWindow: sum((second) => second.failed, true),
    windowToS: to,
    settleGapS: gap.lengthS,
    settled: settle.settled,
    timedOut: settle.timedOut,
    completeness: accepted > 0 ? Math.round((settle.settled / accepted) * 1000) / 1000 : NaN,
    settleP50Ms: settle.latencyMs.p50,
    settleP99Ms: settle.latencyMs.p99,
    settleMaxMs: settle.latencyMs.max,
  };
}

/** The median of the rounds' values (the mean of the middle two for an even count); NaN for none. */
export function median(values: readonly (number | null)[]): number {
  const sorted = values
    .filter((value): value is number => value !== null && Number.isFinite(value))
    .sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** A figure over rounds: the median, and the range when there were several rounds. */
export function overRounds(values: readonly (number | null)[], digits = 1): string {
  const finite = values.filter((value): value is number => value !== null && Number.isFinite(value));
  if (finite.length === 0) return '–';
  const fmt = (value: number) => String(Math.round(value * 10 ** digits) / 10 ** digits);
  const mid = fmt(median(finite));
  if (finite.length === 1) return mid;
  return `${mid} (${fmt(Math.min(...finite))}–${fmt(Math.max(...finite))})`;
}
