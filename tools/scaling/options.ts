/** The experiment's command line, read once into typed options (see experiment.ts for the usage). */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { isAppName, type AppName } from '@shop/stack';
import {
  DEFAULT_MIX,
  parseDuration,
  SCENARIO_NAMES,
  settlesOrders,
  type ScenarioName,
  type StepOptions,
} from '@shop/load-generator';
import { positiveNumber, WORKSPACE_ROOT } from '../../benchmarks/bench-kit';

export interface ExperimentOptions {
  app: AppName;
  maxReplicas: number;
  scenario: ScenarioName;
  /** The load generator's step mode, with the SLO (HTTP p99, and settle p99 when given) that judges it. */
  steps: StepOptions;
  users: number;
  /** CARD_NETWORK_LATENCY_MS of the stack: how long payments-service waits for each charge. */
  cardLatencyMs: string;
  /**
   * KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY of the stack: how many payments a replica has in flight. The
   * experiment keeps it at 3, so that one replica is bound by the card network's latency at rates two
   * cores can carry (the apps take 12, a topic's partitions, and then the cores run out first).
   */
  partitionsAtOnce: string;
  noBuild: boolean;
  outDir: string;
  png: string | undefined;
  renderOnly: boolean;
  /** Before each stack starts, wait (up to quietTimeoutS) until other work leaves the machine this idle. */
  quietBelowPercent: number;
  quietTimeoutS: number;
}

export function readOptions(argv: readonly string[] = process.argv.slice(2)): ExperimentOptions {
  const { values: args } = parseArgs({
    args: [...argv],
    options: {
      app: { type: 'string', default: 'payments-service' },
      max: { type: 'string', default: '3' },
      scenario: { type: 'string', default: 'checkout' },
      'slo-p99': { type: 'string', default: '500' },
      'slo-settle-p99': { type: 'string' },
      'step-from': { type: 'string', default: '4' },
      'step-by': { type: 'string', default: '4' },
      'step-to': { type: 'string', default: '100' },
      'step-duration': { type: 'string', default: '8s' },
      users: { type: 'string', default: '20' },
      'card-latency': { type: 'string', default: '50' },
      'partitions-at-once': { type: 'string', default: '3' },
      'no-build': { type: 'boolean', default: false },
      out: { type: 'string' },
      png: { type: 'string' },
      'render-only': { type: 'boolean', default: false },
      'quiet-below': { type: 'string', default: '30' },
      'quiet-timeout': { type: 'string', default: '30' },
    },
  });

  const app = args.app;
  if (!isAppName(app)) throw new Error(`--app takes an app of the shop; got "${app}"`);
  const scenario = args.scenario as ScenarioName;
  if (!SCENARIO_NAMES.includes(scenario))
    throw new Error(`--scenario takes one of ${SCENARIO_NAMES.join(', ')}`);
  const steps: StepOptions = {
    from: positiveNumber('step-from', args['step-from']),
    by: positiveNumber('step-by', args['step-by']),
    to: positiveNumber('step-to', args['step-to']),
    durationMs: parseDuration(args['step-duration'], '--step-duration'),
    sloP99Ms: positiveNumber('slo-p99', args['slo-p99']),
  };
  if (args['slo-settle-p99'] !== undefined) {
    if (!settlesOrders(scenario, DEFAULT_MIX))
      throw new Error(
        `--slo-settle-p99 needs a scenario that places orders (checkout, mixed); got "${scenario}"`,
      );
    steps.sloSettleP99Ms = positiveNumber('slo-settle-p99', args['slo-settle-p99']);
  }
  return {
    app,
    maxReplicas: Math.round(positiveNumber('max', args.max)),
    scenario,
    steps,
    users: Math.round(positiveNumber('users', args.users)),
    cardLatencyMs: args['card-latency'],
    partitionsAtOnce: String(Math.round(positiveNumber('partitions-at-once', args['partitions-at-once']))),
    noBuild: args['no-build'],
    outDir: args.out ?? join(WORKSPACE_ROOT, 'tmp', 'scaling', app),
    png: args.png,
    renderOnly: args['render-only'],
    quietBelowPercent: Number(args['quiet-below']),
    quietTimeoutS: Number(args['quiet-timeout']),
  };
}
