/**
 * When requests are meant to start. An open-model generator decides every start time up front from the
 * arrival rate alone, never from how fast earlier responses came back: that is what keeps a slow server
 * from slowing the test down and hiding its own slowness.
 */
export type ArrivalProcess = 'constant' | 'poisson';

export const ARRIVAL_PROCESSES: readonly ArrivalProcess[] = ['constant', 'poisson'];

/** A small seeded PRNG (mulberry32): the same seed gives the same Poisson schedule and scenario mix. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ArrivalPlan {
  /** Arrivals per second. */
  rate: number;
  durationMs: number;
  process: ArrivalProcess;
  /** Uniform numbers in [0, 1), for the Poisson process. */
  random?: () => number;
}

/**
 * Intended start times, in ms from the start of the phase, in order and all below `durationMs`.
 * Constant: one every 1000/rate ms, starting at 0. Poisson: exponentially distributed gaps with mean
 * 1000/rate ms (independent arrivals, as from many users who do not know about each other).
 */
export function* arrivalOffsets(plan: ArrivalPlan): Generator<number> {
  if (!(plan.rate > 0) || !(plan.durationMs > 0)) return;
  const meanGapMs = 1000 / plan.rate;
  if (plan.process === 'constant') {
    for (let i = 0; ; i++) {
      const at = i * meanGapMs;
      if (at >= plan.durationMs) return;
      yield at;
    }
  }
  const random = plan.random ?? Math.random;
  for (let at = 0; ;) {
    // 1 - u is in (0, 1], so the logarithm is finite.
    at += -Math.log(1 - random()) * meanGapMs;
    if (at >= plan.durationMs) return;
    yield at;
  }
}

/** The rates of a step run: from, from + by, ... up to and including `to`. */
export function stepRates(from: number, to: number, by: number): number[] {
  const rates: number[] = [];
  // Rounding keeps 0.1-sized steps from drifting (0.1 + 0.2 !== 0.3).
  for (let i = 0; ; i++) {
    const rate = Math.round((from + i * by) * 1e6) / 1e6;
    if (rate > to + 1e-9) return rates;
    rates.push(rate);
  }
}
