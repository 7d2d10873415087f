/** The benchmark's command line (see tracing-overhead.ts for the usage), and what every phase shares. */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FAST_KAFKA_ENV, positiveNumber, WORKSPACE_ROOT } from '../bench-kit';

export interface TracingOptions {
  rounds: number;
  durationS: number;
  warmupS: number;
  concurrency: number;
  /** Checkouts per second offered to each stack (open loop); undefined: a closed loop of `concurrency`. */
  rate: number | undefined;
  variantSpecs: string[];
  noBuild: boolean;
  /**
   * Run a round's variants at the same time, each on its own stack with its share of the customers,
   * instead of one after the other: the machine's ups and downs then hit every variant alike.
   */
  sideBySide: boolean;
  /** Other work on the machine skews a phase: wait (up to a limit) until it is this idle before each one. */
  quietBelowPercent: number;
  quietTimeoutS: number;
  out: string;
}

export function readOptions(argv: readonly string[] = process.argv.slice(2)): TracingOptions {
  const { values: args } = parseArgs({
    args: [...argv],
    options: {
      rounds: { type: 'string', default: '3' },
      duration: { type: 'string', default: '20' },
      warmup: { type: 'string', default: '5' },
      // Each client waits for a whole checkout (a few hundred ms of mostly waiting on Kafka when the shop
      // is idle), so it takes this many to keep two cores busy.
      concurrency: { type: 'string', default: '96' },
      rate: { type: 'string' },
      variants: { type: 'string', default: 'on,off' },
      'no-build': { type: 'boolean', default: false },
      'side-by-side': { type: 'boolean', default: false },
      'quiet-below': { type: 'string', default: '25' },
      'quiet-timeout': { type: 'string', default: '120' },
      out: {
        type: 'string',
        default: join(WORKSPACE_ROOT, 'benchmarks', 'results', 'tracing-overhead.json'),
      },
    },
  });
  return {
    rounds: Math.round(positiveNumber('rounds', args.rounds)),
    durationS: positiveNumber('duration', args.duration),
    warmupS: Number(args.warmup),
    concurrency: Math.round(positiveNumber('concurrency', args.concurrency)),
    rate: args.rate === undefined ? undefined : positiveNumber('rate', args.rate),
    variantSpecs: args.variants
      .split(/[,;]+/)
      .map((spec) => spec.trim())
      .filter(Boolean),
    noBuild: args['no-build'],
    sideBySide: args['side-by-side'],
    quietBelowPercent: Number(args['quiet-below']),
    quietTimeoutS: Number(args['quiet-timeout']),
    out: args.out,
  };
}

/** The same for every phase: the card network answers at once, logs stay quiet, the consumers react fast. */
export const COMMON_ENV: Record<string, string> = {
  CARD_NETWORK_LATENCY_MS: '0',
  CARD_NETWORK_JITTER_MS: '0',
  ...FAST_KAFKA_ENV,
};
