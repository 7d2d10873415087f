/** The comparison's command line, read once into typed options (see compare.ts for the usage). */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDuration, type StepOptions } from '@shop/load-generator';
import { parseList, positiveNumber, WORKSPACE_ROOT } from '../../benchmarks/bench-kit';

export interface CompareOptions {
  rounds: number;
  /** The browse step test and its SLO (HTTP p99). */
  browse: StepOptions;
  /** Checkouts at each of these rates, each held for checkoutDurationMs. */
  checkoutRates: number[];
  checkoutDurationMs: number;
  /** Unmeasured checkouts on each stack before its first run, so that no run pays for JIT warm-up. */
  warmupMs: number;
  fault: {
    rate: number;
    durationMs: number;
    /** When the fault starts, from the first second under load. */
    atMs: number;
    /** How long the card network stays unreachable (the kill's outage is however long the restart takes). */
    cardDownMs: number;
  };
  users: number;
  /** CARD_NETWORK_LATENCY_MS of both stacks: how long each charge takes. */
  cardLatencyMs: string;
  /** How long a checkout waits for its order to settle before it counts as timed out. */
  settleTimeoutMs: number;
  noBuild: boolean;
  outDir: string;
  renderOnly: boolean;
  quick: boolean;
}

/** --quick: one round, short steps and runs; a smoke test of the whole command in a few minutes. */
const QUICK = {
  rounds: '1',
  'browse-from': '10',
  'browse-by': '10',
  'browse-to': '200',
  'browse-duration': '5s',
  'checkout-rates': '5,20',
  'checkout-duration': '15s',
  warmup: '4s',
  'fault-rate': '10',
  'fault-duration': '40s',
  'fault-at': '6s',
  'card-down': '10s',
  users: '10',
} as const;

const FULL: Record<keyof typeof QUICK, string> = {
  rounds: '3',
  'browse-from': '10',
  'browse-by': '10',
  'browse-to': '400',
  'browse-duration': '8s',
  'checkout-rates': '5,20,40',
  'checkout-duration': '20s',
  warmup: '8s',
  'fault-rate': '10',
  'fault-duration': '45s',
  'fault-at': '10s',
  'card-down': '15s',
  users: '20',
};

export function readOptions(argv: readonly string[] = process.argv.slice(2)): CompareOptions {
  const { values: args } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      'browse-from': { type: 'string' },
      'browse-by': { type: 'string' },
      'browse-to': { type: 'string' },
      'browse-duration': { type: 'string' },
      'slo-p99': { type: 'string', default: '250' },
      'checkout-rates': { type: 'string' },
      'checkout-duration': { type: 'string' },
      warmup: { type: 'string' },
      'fault-rate': { type: 'string' },
      'fault-duration': { type: 'string' },
      'fault-at': { type: 'string' },
      'card-down': { type: 'string' },
      users: { type: 'string' },
      'card-latency': { type: 'string', default: '50' },
      'settle-timeout': { type: 'string', default: '60s' },
      'no-build': { type: 'boolean', default: false },
      out: { type: 'string' },
      'render-only': { type: 'boolean', default: false },
    },
  });
  // An option given on the command line wins; otherwise --quick's value or the full run's.
  const base = args.quick ? QUICK : FULL;
  const value = (name: keyof typeof QUICK): string => args[name] ?? base[name];
  const duration = (name: keyof typeof QUICK) => parseDuration(value(name), `--${name}`);

  const checkoutRates = parseList(value('checkout-rates')).map((rate) =>
    positiveNumber('checkout-rates', rate),
  );
  const fault = {
    rate: positiveNumber('fault-rate', value('fault-rate')),
    durationMs: duration('fault-duration'),
    atMs: duration('fault-at'),
    cardDownMs: duration('card-down'),
  };
  if (fault.atMs + fault.cardDownMs >= fault.durationMs)
    throw new Error('--fault-at plus --card-down must end before --fault-duration does');
  return {
    rounds: Math.round(positiveNumber('rounds', value('rounds'))),
    browse: {
      from: positiveNumber('browse-from', value('browse-from')),
      by: positiveNumber('browse-by', value('browse-by')),
      to: positiveNumber('browse-to', value('browse-to')),
      durationMs: duration('browse-duration'),
      sloP99Ms: positiveNumber('slo-p99', args['slo-p99']),
    },
    checkoutRates,
    checkoutDurationMs: duration('checkout-duration'),
    warmupMs: parseDuration(value('warmup'), '--warmup'),
    fault,
    users: Math.round(positiveNumber('users', value('users'))),
    cardLatencyMs: String(Math.round(Number(args['card-latency']))),
    settleTimeoutMs: parseDuration(args['settle-timeout'], '--settle-timeout'),
    noBuild: args['no-build'],
    outDir: args.out ?? join(WORKSPACE_ROOT, 'tmp', 'architectures'),
    renderOnly: args['render-only'],
    quick: args.quick,
  };
}
