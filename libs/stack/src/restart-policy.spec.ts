import { decideRestart, DEFAULT_RESTART_POLICY } from './restart-policy';

describe('decideRestart', () => {
  const now = 1_000_000;

  it('restarts after 0.5 s, doubling with each crash within the minute, up to 10 s', () => {
    const crashes: number[] = [];
    const delays = Array.from({ length: 5 }, () => {
      crashes.push(now);
      const decision = decideRestart(crashes, now);
      return decision.restart ? decision.delayMs : undefined;
    });
    expect(delays).toEqual([500, 1_000, 2_000, 4_000, 8_000]);
    const more = { ...DEFAULT_RESTART_POLICY, maxRestarts: 9 };
    expect(decideRestart([...crashes, now], now, more)).toMatchObject({ delayMs: 10_000 });
  });

  it('gives up at the sixth crash within the window', () => {
    expect(
      decideRestart(
        Array.from({ length: 6 }, () => now),
        now,
      ),
    ).toEqual({
      restart: false,
      recentCrashes: 6,
    });
  });

  it('forgets crashes older than the window, for the limit and the backoff', () => {
    const old = Array.from({ length: 10 }, () => now - 60_000);
    expect(decideRestart([...old, now], now)).toEqual({ restart: true, delayMs: 500, recentCrashes: 1 });
  });
});
