import { arrivalOffsets } from './arrival';
import { runOpenLoop, type Clock, type Completion, type Outcome } from './open-loop';

/** Virtual time: timers fire in order, as soon as nothing else is left to do. */
function virtualClock() {
  let now = 0;
  let sequence = 0;
  const timers: { at: number; sequence: number; resolve: () => void }[] = [];
  const after = (ms: number) =>
    new Promise<void>((resolve) => {
      timers.push({ at: now + Math.max(0, ms), sequence: sequence++, resolve });
    });
  const idle = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    clock: { now: () => now, sleep: after } satisfies Clock,
    after,
    now: () => now,
    async run<T>(work: Promise<T>): Promise<T> {
      let result: { value: T } | undefined;
      void work.then((value) => (result = { value }));
      for (;;) {
        await idle();
        if (result) return result.value;
        timers.sort((a, b) => a.at - b.at || a.sequence - b.sequence);
        const next = timers.shift();
        if (!next) throw new Error('nothing left to run, but the work is not done');
        now = Math.max(now, next.at);
        next.resolve();
      }
    },
  };
}

/** 100 arrivals a second for a second against a server that answers in `serviceMs(request number)`. */
async function drive(options: {
  serviceMs: (n: number) => number;
  maxInFlight?: number;
  maxBacklog?: number;
  clock?: (time: ReturnType<typeof virtualClock>) => Clock;
  rate?: number;
  durationMs?: number;
}) {
  const time = virtualClock();
  const completions: Completion[] = [];
  const dropped: number[] = [];
  let n = 0;
  const result = await time.run(
    runOpenLoop({
      offsetsMs: arrivalOffsets({
        rate: options.rate ?? 100,
        durationMs: options.durationMs ?? 1000,
        process: 'constant',
      }),
      startAt: 0,
      clock: options.clock ? options.clock(time) : time.clock,
      maxInFlight: options.maxInFlight ?? 1000,
      ...(options.maxBacklog !== undefined && { maxBacklog: options.maxBacklog }),
      fire: async (): Promise<Outcome> => {
        await time.after(options.serviceMs(n++));
        return { ok: true };
      },
      onComplete: (completion) => completions.push(completion),
      onDropped: (intendedAt) => dropped.push(intendedAt),
    }),
  );
  return { result, completions, dropped, time };
}

describe('open-loop driver: latency from the intended start', () => {
  it('keeps sending on schedule while a response is stalled; only that one sample is slow', async () => {
    const { result, completions } = await drive({ serviceMs: (n) => (n === 0 ? 500 : 1) });
    expect(result).toMatchObject({ scheduled: 100, started: 100, completed: 100, dropped: 0, lateStarts: 0 });
    expect(completions.filter((c) => c.latencyMs > 100)).toHaveLength(1);
    expect(result.maxInFlightSeen).toBeGreaterThanOrEqual(2);
  });

  it('when a stalled response holds the only slot, later arrivals are recorded late, not missing', async () => {
    // One request in flight at most: what a closed-loop tool with one connection would do.
    const { result, completions } = await drive({
      serviceMs: (n) => (n === 0 ? 500 : 1),
      maxInFlight: 1,
      maxBacklog: 1000,
    });
    expect(result).toMatchObject({ scheduled: 100, completed: 100, dropped: 0 });
    expect(completions).toHaveLength(100);
    // The arrival meant for 10 ms went out at 500 ms: its latency is 491 ms, not 1 ms.
    const second = completions.find((c) => c.intendedAt === 10);
    expect(second).toMatchObject({ startedAt: 500, latencyMs: 491, startLagMs: 490 });
    const slow = completions.filter((c) => c.latencyMs > 100);
    expect(slow.length).toBeGreaterThanOrEqual(40);
    expect(result.lateStarts).toBeGreaterThanOrEqual(40);
    // Timed from when each was sent, as a closed-loop tool does, the stall looks like one slow request.
    expect(completions.filter((c) => c.endedAt - c.startedAt > 100)).toHaveLength(1);
  });

  it('when the generator itself falls behind, the requests it owes start late and carry the delay', async () => {
    let stalled = false;
    const { result, completions } = await drive({
      serviceMs: () => 1,
      clock: (time) => ({
        now: time.now,
        // The generator is held up for 300 ms once, at about 200 ms (a GC pause, a busy event loop).
        sleep: (ms) => {
          if (!stalled && time.now() >= 200) {
            stalled = true;
            return time.after(ms + 300);
          }
          return time.after(ms);
        },
      }),
    });
    expect(result).toMatchObject({ scheduled: 100, completed: 100, dropped: 0 });
    const late = completions.filter((c) => c.startLagMs > 10);
    expect(late.length).toBeGreaterThanOrEqual(28);
    expect(Math.max(...completions.map((c) => c.latencyMs))).toBeGreaterThanOrEqual(300);
    for (const c of late) expect(c.latencyMs).toBeCloseTo(c.startLagMs + 1, 6);
    expect(result.lateStarts).toBe(late.length);
  });

  it('drops and counts arrivals beyond the in-flight cap and its backlog', async () => {
    const { result, dropped, completions } = await drive({
      serviceMs: () => 1000,
      maxInFlight: 2,
      maxBacklog: 3,
      durationMs: 100,
    });
    expect(result).toMatchObject({ scheduled: 10, started: 5, completed: 5, dropped: 5 });
    expect(dropped).toEqual([50, 60, 70, 80, 90]);
    // The backlogged ones waited for a slot: 1000 ms queued plus 1000 ms served.
    expect(Math.max(...completions.map((c) => c.latencyMs))).toBeGreaterThanOrEqual(1900);
  });

  it('counts a request that throws as an error, not as a crash of the run', async () => {
    const time = virtualClock();
    const completions: Completion[] = [];
    const result = await time.run(
      runOpenLoop({
        offsetsMs: [0, 10],
        startAt: 0,
        clock: time.clock,
        maxInFlight: 10,
        fire: (intendedAt) =>
          intendedAt === 0 ? Promise.reject(new Error('boom')) : Promise.resolve({ ok: true }),
        onComplete: (completion) => completions.push(completion),
      }),
    );
    expect(result.completed).toBe(2);
    expect(completions.map((c) => c.outcome)).toEqual([{ ok: false, errorKind: 'exception' }, { ok: true }]);
  });
});
