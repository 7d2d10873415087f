import { parseDuration, UsageError } from './duration';

describe('parseDuration', () => {
  it('reads durations in ms, s and m', () => {
    expect(parseDuration('500ms', '--d')).toBe(500);
    expect(parseDuration('1.5s', '--d')).toBe(1500);
    expect(parseDuration('2m', '--d')).toBe(120_000);
    expect(parseDuration('3', '--d')).toBe(3000);
  });

  it.each(['', 'soon', '10h', '-5s', '0', '0ms'])('refuses %j, naming the flag', (text) => {
    expect(() => parseDuration(text, '--step-duration')).toThrow(UsageError);
    expect(() => parseDuration(text, '--step-duration')).toThrow(/--step-duration/);
  });
});
