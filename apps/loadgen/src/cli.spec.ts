import { UsageError } from '@shop/load-generator';
import { parseCommandLine } from './cli';

const run = (args: string[]) => {
  const command = parseCommandLine(args);
  if (command.kind !== 'run') throw new Error('expected a run');
  return command.options;
};

describe('command line', () => {
  it('reads a run at one rate with its defaults', () => {
    expect(
      run(['--scenario', 'checkout', '--rate', '50', '--duration', '20s', '--out', 'tmp/x']),
    ).toMatchObject({
      scenario: 'checkout',
      rate: 50,
      durationMs: 20_000,
      outDir: 'tmp/x',
      target: 'http://127.0.0.1:8080',
      users: 20,
      arrival: 'constant',
      declineShare: 0.1,
      settle: 'stream',
      pollIntervalMs: 25,
      maxInFlight: 1000,
    });
  });

  it('reads step mode', () => {
    const options = run([
      '--scenario=browse',
      '--step-from=20',
      '--step-to=200',
      '--step-by=20',
      '--step-duration=10s',
      '--slo-p99=250',
      '--arrival=poisson',
    ]);
    expect(options.steps).toEqual({ from: 20, to: 200, by: 20, durationMs: 10_000, sloP99Ms: 250 });
    expect(options.arrival).toBe('poisson');
  });

  const stepFlags = ['--step-from=4', '--step-to=40', '--step-by=4', '--step-duration=8s', '--slo-p99=500'];

  it('reads a settle SLO in step mode for the scenarios that place orders', () => {
    expect(run(['--scenario=checkout', ...stepFlags, '--slo-settle-p99=3000']).steps).toEqual({
      from: 4,
      to: 40,
      by: 4,
      durationMs: 8000,
      sloP99Ms: 500,
      sloSettleP99Ms: 3000,
    });
    expect(run(['--scenario=mixed', ...stepFlags, '--slo-settle-p99', '1500']).steps?.sloSettleP99Ms).toBe(
      1500,
    );
    expect(run(['--scenario=checkout', ...stepFlags]).steps).not.toHaveProperty('sloSettleP99Ms');
  });

  it('waits for orders over their event streams unless told to poll', () => {
    const base = ['--scenario=checkout', '--rate=5', '--duration=1s'];
    expect(run([...base, '--settle=poll']).settle).toBe('poll');
    expect(run([...base, '--settle', 'stream']).settle).toBe('stream');
  });

  it('reads a mix', () => {
    expect(
      run(['--scenario', 'mixed', '--rate', '5', '--duration', '1', '--mix', 'browse=1,signup=3']).mix,
    ).toEqual({
      browse: 1,
      checkout: 0,
      signup: 3,
    });
  });

  it.each([
    [['--rate', '5', '--duration', '1s'], /--scenario takes one of/],
    [['--scenario', 'checkout', '--rate', '5'], /give --rate and --duration/],
    [['--scenario', 'checkout', '--rate=-5', '--duration', '1s'], /--rate takes arrivals per second/],
    [['--scenario', 'checkout', '--rate', '5', '--duration', 'soon'], /--duration takes a duration/],
    [['--scenario', 'checkout', '--step-from', '5'], /step mode needs --step-to/],
    [['--scenario', 'checkout', '--rate', '5', '--duration', '1s', '--arrival', 'burst'], /--arrival takes/],
    [['--scenario', 'checkout', '--rate', '5', '--duration', '1s', '--bogus'], /Unknown option/],
    [
      ['--scenario=checkout', '--rate=5', '--duration=1s', '--settle=sometimes'],
      /--settle takes one of stream, poll/,
    ],
    [
      ['--scenario=browse', ...stepFlags, '--slo-settle-p99=3000'],
      /needs --scenario checkout or mixed.*"browse"/,
    ],
    [['--scenario=signup', ...stepFlags, '--slo-settle-p99=3000'], /"signup", which places no orders/],
    [
      ['--scenario=mixed', '--mix=browse=1,signup=1', ...stepFlags, '--slo-settle-p99=3000'],
      /got a mix without checkouts/,
    ],
    [['--scenario=checkout', '--rate=5', '--duration=1s', '--slo-settle-p99=3000'], /goes with step mode/],
    [
      ['--scenario=checkout', ...stepFlags, '--slo-settle-p99=0'],
      /--slo-settle-p99 takes milliseconds above zero/,
    ],
    [['--scenario=checkout', ...stepFlags.slice(0, 4), '--slo-settle-p99=3000'], /step mode needs --slo-p99/],
  ])('refuses %j with a usage error', (args, message) => {
    expect(() => parseCommandLine(args)).toThrow(UsageError);
    expect(() => parseCommandLine(args)).toThrow(message);
  });
});
