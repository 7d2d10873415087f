/**
 * The command line: `npm run loadtest -- --scenario checkout --rate 50 --duration 20s --out DIR ...`,
 * parsed and checked into the options of a run. Pure: main.ts does the running and the exiting.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  ARRIVAL_PROCESSES,
  DEFAULT_MIX,
  parseDuration,
  SCENARIO_NAMES,
  SETTLE_MODES,
  settlesOrders,
  UsageError,
  type ArrivalProcess,
  type LoadTestOptions,
  type Mix,
  type ScenarioName,
  type SettleMode,
} from '@shop/load-generator';

export const USAGE = `Usage: npm run loadtest -- --scenario NAME (--rate N --duration D | --step-from N --step-to N --step-by N --step-duration D --slo-p99 MS) [options]

Open-model load generator for the shop's public API: requests start at the arrival rate whatever the
latency, and each latency is measured from the request's intended start.

  --scenario NAME        browse | signup | checkout | mixed
  --rate N               arrivals per second
  --duration D           how long, e.g. 20s, 500ms, 2m (a bare number is seconds)
  --out DIR              where report.json and report.html go (default tmp/loadtest/<scenario>-<rate>)
  --target URL           the gateway (default http://127.0.0.1:8080)
  --users N              customers prepared before the measured phase (default 20)
  --arrival KIND         constant | poisson (default constant)
  --seed N               seed of the Poisson gaps and the random choices (default 1)
  --mix SPEC             mixed scenario weights (default browse=70,checkout=25,signup=5)
  --decline-share F      checkout: share of orders paid with a declined card, 0..1 (default 0.1)
  --settle MODE          checkout: how an order's outcome is awaited: stream (default; its event stream,
                         GET /v1/orders/{id}/events, one request per order) | poll (GET the order until
                         it is final)
  --poll-interval D      checkout with --settle poll: how often a young order is polled (default 25ms;
                         older orders every tenth of their age, at most once a second)
  --settle-timeout D     checkout: give up on an order after this long (default 30s)
  --request-timeout D    per request (default 10s)
  --max-in-flight N      safety cap; arrivals over it start late or are dropped (default 1000)
  --step-from N --step-to N --step-by N --step-duration D --slo-p99 MS
                         step mode: raise the rate step by step and report the highest one whose p99
                         stays under MS with fewer than 1% errors (stops at the first step that misses)
  --slo-settle-p99 MS    step mode, checkout and mixed: a step also needs its orders' settle p99 (POST
                         to CONFIRMED/CANCELLED) under MS and none timed out settling
  --quiet                no progress lines
  --help
`;

export type Command = { kind: 'help' } | { kind: 'run'; options: LoadTestOptions; quiet: boolean };

function parseNumber(
  text: string | undefined,
  flag: string,
  check: (n: number) => boolean,
  what: string,
): number {
  const value = Number(text);
  if (text === undefined || text.trim() === '' || !Number.isFinite(value) || !check(value))
    throw new UsageError(`${flag} takes ${what}; got "${text ?? ''}"`);
  return value;
}

const positive = (n: number) => n > 0;
const positiveInteger = (n: number) => Number.isInteger(n) && n > 0;

export function parseMix(text: string): Mix {
  const mix: Mix = { browse: 0, checkout: 0, signup: 0 };
  for (const part of text.split(',')) {
    const [name, weight] = part.split('=').map((s) => s.trim());
    const value = Number(weight);
    if (!name || !(name in mix) || weight === undefined || !Number.isFinite(value) || value < 0)
      throw new UsageError(`--mix takes weights like browse=70,checkout=25,signup=5; got "${text}"`);
    mix[name as keyof Mix] = value;
  }
  if (mix.browse + mix.checkout + mix.signup <= 0) throw new UsageError('--mix needs a weight above zero');
  return mix;
}

export function parseCommandLine(args: readonly string[]): Command {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        scenario: { type: 'string' },
        rate: { type: 'string' },
        duration: { type: 'string' },
        out: { type: 'string' },
        target: { type: 'string', default: 'http://127.0.0.1:8080' },
        users: { type: 'string', default: '20' },
        arrival: { type: 'string', default: 'constant' },
        seed: { type: 'string', default: '1' },
        mix: { type: 'string' },
        'decline-share': { type: 'string', default: '0.1' },
        settle: { type: 'string', default: 'stream' },
        'poll-interval': { type: 'string', default: '25ms' },
        'settle-timeout': { type: 'string', default: '30s' },
        'request-timeout': { type: 'string', default: '10s' },
        'max-in-flight': { type: 'string', default: '1000' },
        'step-from': { type: 'string' },
        'step-to': { type: 'string' },
        'step-by': { type: 'string' },
        'step-duration': { type: 'string' },
        'slo-p99': { type: 'string' },
        'slo-settle-p99': { type: 'string' },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return { kind: 'help' };

  const scenario = values.scenario;
  if (!scenario || !SCENARIO_NAMES.includes(scenario as ScenarioName))
    throw new UsageError(`--scenario takes one of ${SCENARIO_NAMES.join(', ')}; got "${scenario ?? ''}"`);
  const arrival = values.arrival;
  if (!ARRIVAL_PROCESSES.includes(arrival as ArrivalProcess))
    throw new UsageError(`--arrival takes one of ${ARRIVAL_PROCESSES.join(', ')}; got "${arrival}"`);
  const settle = values.settle;
  if (!SETTLE_MODES.includes(settle as SettleMode))
    throw new UsageError(`--settle takes one of ${SETTLE_MODES.join(', ')}; got "${settle}"`);
  let target: URL;
  try {
    target = new URL(values.target);
  } catch {
    throw new UsageError(`--target takes a URL like http://127.0.0.1:8080; got "${values.target}"`);
  }

  const stepFlags = ['step-from', 'step-to', 'step-by', 'step-duration', 'slo-p99'] as const;
  const givenStepFlags = stepFlags.filter((flag) => values[flag] !== undefined);
  let steps: LoadTestOptions['steps'];
  if (givenStepFlags.length > 0) {
    const missing = stepFlags.filter((flag) => values[flag] === undefined);
    if (missing.length > 0)
      throw new UsageError(`step mode needs ${missing.map((flag) => `--${flag}`).join(', ')} as well`);
    if (values.rate !== undefined || values.duration !== undefined)
      throw new UsageError('step mode takes --step-* flags instead of --rate and --duration');
    const from = parseNumber(values['step-from'], '--step-from', positive, 'a rate above zero');
    const to = parseNumber(values['step-to'], '--step-to', (n) => n >= from, `a rate of at least ${from}`);
    steps = {
      from,
      to,
      by: parseNumber(values['step-by'], '--step-by', positive, 'a rate above zero'),
      durationMs: parseDuration(values['step-duration'] as string, '--step-duration'),
      sloP99Ms: parseNumber(values['slo-p99'], '--slo-p99', positive, 'milliseconds above zero'),
    };
  } else if (values.rate === undefined || values.duration === undefined) {
    throw new UsageError('give --rate and --duration (or the --step-* flags for step mode)');
  }
  const mix = values.mix ? parseMix(values.mix) : DEFAULT_MIX;
  if (values['slo-settle-p99'] !== undefined) {
    if (!steps)
      throw new UsageError('--slo-settle-p99 goes with step mode (the --step-* flags and --slo-p99)');
    if (!settlesOrders(scenario as ScenarioName, mix))
      throw new UsageError(
        '--slo-settle-p99 judges how orders settle and needs --scenario checkout or mixed (with checkouts ' +
          `in the mix); got ${scenario === 'mixed' ? 'a mix without checkouts' : `"${scenario}", which places no orders`}`,
      );
    steps.sloSettleP99Ms = parseNumber(
      values['slo-settle-p99'],
      '--slo-settle-p99',
      positive,
      'milliseconds above zero',
    );
  }

  const rate = steps?.to ?? parseNumber(values.rate, '--rate', positive, 'arrivals per second above zero');
  const durationMs = steps?.durationMs ?? parseDuration(values.duration as string, '--duration');
  const declineShare = parseNumber(
    values['decline-share'],
    '--decline-share',
    (n) => n >= 0 && n <= 1,
    'a share from 0 to 1',
  );
  const options: LoadTestOptions = {
    target: target.toString().replace(/\/$/, ''),
    scenario: scenario as ScenarioName,
    rate,
    durationMs,
    arrival: arrival as ArrivalProcess,
    users: parseNumber(values.users, '--users', positiveInteger, 'a whole number above zero'),
    seed: parseNumber(values.seed, '--seed', Number.isInteger, 'a whole number'),
    mix,
    declineShare,
    settle: settle as SettleMode,
    pollIntervalMs: parseDuration(values['poll-interval'], '--poll-interval'),
    settleTimeoutMs: parseDuration(values['settle-timeout'], '--settle-timeout'),
    requestTimeoutMs: parseDuration(values['request-timeout'], '--request-timeout'),
    maxInFlight: parseNumber(
      values['max-in-flight'],
      '--max-in-flight',
      positiveInteger,
      'a whole number above zero',
    ),
    outDir:
      values.out ??
      join('tmp', 'loadtest', `${scenario}-${steps ? `steps-${steps.from}-${steps.to}` : rate}`),
  };
  if (steps) options.steps = steps;
  return { kind: 'run', options, quiet: values.quiet };
}
