import { describe, expect, it } from '@jest/globals';
import type { TimelinePoint } from '@shop/load-generator';
import type { FaultSecond } from './results';
import {
  cpuMsAboveIdle,
  cpuMsPer,
  faultSeconds,
  median,
  overRounds,
  resourcesOf,
  settleGap,
  summarizeFault,
} from './summary';

const second = (t: number, accepted: number, failed: number, settled: number): FaultSecond => ({
  t,
  accepted,
  failed,
  settled,
});

describe('resourcesOf', () => {
  const sampled = {
    cpu: {
      'monolith/monolith#1': 40,
      'monolith/postgres backends': 12.5,
      'microservices/gateway#1': 3,
      'microservices/kafka broker': 2,
      'load generator': 30,
      'postgres (server, other)': 5,
      'machine busy': 150,
      other: 57.5,
    },
    rssMiB: {
      'monolith/monolith#1': 180.04,
      'monolith/postgres backends': 90,
      'microservices/gateway#1': 120,
    },
  };

  it("sums the architecture's own processes, Postgres backends included, apart from the idle stack", () => {
    const resources = resourcesOf('monolith', sampled, 10);
    expect(resources.shopCpuPercent).toBe(52.5);
    expect(resources.idleStackCpuPercent).toBe(5);
    expect(resources.machineBusyPercent).toBe(150);
    expect(resources.otherWorkPercent).toBe(57.5);
    expect(resources.windowS).toBe(10);
  });

  it("keeps only the architecture's own processes' memory, without Postgres", () => {
    expect(resourcesOf('monolith', sampled, 10).rssMiB).toEqual({ 'monolith#1': 180 });
    expect(resourcesOf('microservices', sampled, 10).rssMiB).toEqual({ 'gateway#1': 120 });
  });
});

describe('cpuMsAboveIdle', () => {
  it("takes the same round's idle CPU off before sharing the rest among the checkouts", () => {
    const run = {
      architecture: 'microservices' as const,
      round: 2,
      accepted: 100,
      resources: resourcesOf('microservices', { cpu: { 'microservices/gateway#1': 60 }, rssMiB: {} }, 10),
    };
    const idle = [
      { architecture: 'microservices' as const, round: 1, cpuPercent: 50 },
      { architecture: 'microservices' as const, round: 2, cpuPercent: 20 },
    ];
    // (60 - 20)% of a core for 10 s = 4 000 CPU ms over 100 checkouts.
    expect(cpuMsAboveIdle(run, idle)).toBe(40);
    expect(cpuMsAboveIdle({ ...run, round: 3 }, idle)).toBeNaN();
  });
});

describe('cpuMsPer', () => {
  it('turns percent of a core over a window into CPU ms per unit of work', () => {
    // Half a core for 10 s is 5 000 CPU ms; over 250 checkouts, 20 ms each.
    expect(cpuMsPer(50, 10, 250)).toBe(20);
    expect(cpuMsPer(50, 10, 0)).toBeNaN();
  });
});

describe('faultSeconds', () => {
  it('reads accepted as answered minus failed, and counts dropped arrivals as failed', () => {
    const point: TimelinePoint = {
      t: 3,
      targetRate: 10,
      started: 10,
      completed: 9,
      errors: 4,
      dropped: 1,
      latencyMs: { p50: 1, p90: 1, p99: 1, max: 1 },
      settled: 2,
    };
    expect(faultSeconds([point])).toEqual([{ t: 3, accepted: 5, failed: 5, settled: 2 }]);
  });
});

describe('settleGap', () => {
  it('finds the longest stretch without a settle while orders were pending, from the given second', () => {
    const seconds = [
      second(0, 10, 0, 0), // nothing pending before this second: no gap yet
      second(1, 10, 0, 10),
      second(2, 10, 0, 0),
      second(3, 10, 0, 10),
      second(4, 0, 10, 0),
      second(5, 0, 10, 0),
      second(6, 0, 10, 0),
      second(7, 10, 0, 30),
    ];
    expect(settleGap(seconds, 0)).toEqual({ startS: 4, lengthS: 3 });
    expect(settleGap(seconds, 7)).toEqual({ startS: 7, lengthS: 0 });
  });

  it('does not count quiet seconds once every order has settled', () => {
    const seconds = [second(0, 5, 0, 0), second(1, 0, 0, 5), second(2, 0, 0, 0), second(3, 0, 0, 0)];
    expect(settleGap(seconds, 1).lengthS).toBe(0);
  });
});

describe('summarizeFault', () => {
  const settle = { settled: 37, timedOut: 3, latencyMs: { p50: 120, p99: 6400, max: 7100 } };

  it('counts POSTs over the run and in the window from the injection to the end of the settle gap', () => {
    const seconds = [
      second(0, 10, 0, 0),
      second(1, 10, 0, 10),
      second(2, 0, 10, 0), // killed at 2.3 s
      second(3, 0, 10, 0),
      second(4, 10, 0, 0),
      second(5, 10, 0, 30),
      second(6, 0, 0, 20),
    ];
    const summary = summarizeFault(seconds, { injectedAtS: 2.3, clearedAtS: 3.1 }, settle);
    expect(summary).toMatchObject({
      accepted: 40,
      failed: 20,
      acceptedInWindow: 10,
      failedInWindow: 20,
      windowToS: 4,
      settleGapS: 3,
      settled: 37,
      timedOut: 3,
      settleP99Ms: 6400,
      settleMaxMs: 7100,
    });
    expect(summary.completeness).toBeCloseTo(37 / 40, 3);
  });

  it('keeps the window open until the fault cleared when orders kept settling', () => {
    const seconds = [0, 1, 2, 3, 4, 5].map((t) => second(t, 10, 0, 10));
    const summary = summarizeFault(seconds, { injectedAtS: 1, clearedAtS: 4.5 }, settle);
    expect(summary.settleGapS).toBe(0);
    expect(summary.acceptedInWindow).toBe(40);
  });
});

describe('median and overRounds', () => {
  it('takes the middle value, or the mean of the middle two, ignoring missing figures', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([null, 5, Number.NaN])).toBe(5);
    expect(median([])).toBeNaN();
  });

  it('shows the range beside the median when several rounds measured it', () => {
    expect(overRounds([10, 30, 20])).toBe('20 (10–30)');
    expect(overRounds([12.345], 1)).toBe('12.3');
    expect(overRounds([null])).toBe('–');
  });
});
