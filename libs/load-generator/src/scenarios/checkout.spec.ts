import { MAX_POLL_INTERVAL_MS, nextPollDelayMs } from './checkout';

describe('settle polling', () => {
  it('polls a young order at the poll interval, then every tenth of its age, at most once a second', () => {
    expect(nextPollDelayMs(0, 25)).toBe(25);
    expect(nextPollDelayMs(240, 25)).toBe(25);
    expect(nextPollDelayMs(500, 25)).toBe(50);
    expect(nextPollDelayMs(4000, 25)).toBe(400);
    expect(nextPollDelayMs(60_000, 25)).toBe(MAX_POLL_INTERVAL_MS);
  });

  it('keeps the polls of an order that takes 20 s to settle to a few dozen', () => {
    let age = 0;
    let polls = 0;
    while (age < 20_000) {
      age += nextPollDelayMs(age, 25);
      polls++;
    }
    expect(polls).toBeLessThan(70);
  });
});
