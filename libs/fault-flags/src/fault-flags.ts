import { mkdtempSync, rmSync, unwatchFile, watchFile } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { OpenFeature, type Client, type Logger as OpenFeatureLogger } from '@openfeature/server-sdk';
import { FlagdProvider } from '@openfeature/flagd-provider';
import { metrics, trace, type Attributes, type Span } from '@opentelemetry/api';
import type { Logger } from '@shop/logger';
import { FAULTS, type FaultName } from './faults';
import { relayFlagsFile, type FlagsRelay } from './flags-relay';

export { FAULTS, type FaultName } from './faults';

// flagd's file mode polls its file with fs.watchFile every 5 s. Node shares one stat poller per path and
// keeps the options of the first watcher, so watching the path first makes the provider's poll this fast
// (and not persistent: the poll alone never keeps a stopping process alive).
const POLL_INTERVAL_MS = 250;

let domains = 0;

export interface FaultFlags {
  cardDeclineShare(): Promise<number>;
  cardLatencyMs(): Promise<number>;
  cardNetworkDown(): Promise<boolean>;
  smtpFailureShare(): Promise<number>;
  usersGetUserUnavailableShare(): Promise<number>;
  ordersSlowQueryMs(): Promise<number>;
  emailConsumerDelayMs(): Promise<number>;
  emailPoisonShare(): Promise<number>;
  /** Resolves once the flags in force have been read: evaluations before then answer "off". */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the fault flags of `file` (flagd format), evaluated in-process and followed as the file changes.
 * Without a file every fault is off and no provider runs. A malformed, schema-invalid or missing file never
 * stops the app: the flags in force stay as they were (every fault off at start) and one error is logged;
 * a file that appears or is fixed later is applied then (see relayFlagsFile).
 */
export function openFaultFlags(options: { file: string | undefined; logger: Logger }): FaultFlags {
  if (options.file === undefined) return flagsFrom(undefined, Promise.resolve(), () => Promise.resolve());
  const file = resolve(options.file);
  const log = options.logger.child({ flagsFile: file });
  // flagd reads a private copy that only ever holds a file that passed every check.
  let dir: string;
  let inForce: string;
  let relay: FlagsRelay;
  try {
    dir = mkdtempSync(join(tmpdir(), 'fault-flags-'));
    inForce = join(dir, 'in-force.flagd.json');
    relay = relayFlagsFile(file, inForce, log);
  } catch (error) {
    log.error(`fault flags not followed, every fault is off: ${String(error)}`);
    return flagsFrom(undefined, Promise.resolve(), () => Promise.resolve());
  }
  // A domain of its own, so that the flags never replace (or get replaced by) another OpenFeature provider.
  const domain = `fault-flags-${++domains}`;
  const fastPoll = () => undefined;
  watchFile(inForce, { interval: POLL_INTERVAL_MS, persistent: false }, fastPoll);
  const provider = new FlagdProvider(
    { resolverType: 'in-process', offlineFlagSourcePath: inForce },
    providerLogger(log),
  );
  const ready = OpenFeature.setProviderAndWait(domain, provider).catch(() => {
    // Already logged by the provider (through providerLogger): the app runs with every fault off.
  });
  return flagsFrom(OpenFeature.getClient(domain), ready, async () => {
    relay.stop();
    unwatchFile(inForce, fastPoll);
    await provider.onClose();
    rmSync(dir, { recursive: true, force: true });
  });
}

function flagsFrom(client: Client | undefined, ready: Promise<void>, close: () => Promise<void>): FaultFlags {
  // An evaluation that fails (no file, a flag missing or of the wrong type) answers the default: off.
  const number = (name: Exclude<FaultName, 'card-network-down'>) => () =>
    client ? client.getNumberValue(name, FAULTS[name]) : Promise.resolve(FAULTS[name]);
  return {
    cardDeclineShare: number('card-decline-share'),
    cardLatencyMs: number('card-latency-ms'),
    cardNetworkDown: () =>
      client
        ? client.getBooleanValue('card-network-down', FAULTS['card-network-down'])
        : Promise.resolve(FAULTS['card-network-down']),
    smtpFailureShare: number('smtp-failure-share'),
    usersGetUserUnavailableShare: number('users-getuser-unavailable-share'),
    ordersSlowQueryMs: number('orders-slow-query-ms'),
    emailConsumerDelayMs: number('email-consumer-delay-ms'),
    emailPoisonShare: number('email-poison-share'),
    ready,
    close,
  };
}

/** The provider's own log lines, in the app's log; its errors all mean "the flags file was not applied". */
function providerLogger(log: Logger): OpenFeatureLogger {
  return {
    error: (message: unknown) =>
      log.error(`fault flags file not applied, the flags in force stay as they were: ${String(message)}`),
    warn: (message: unknown) => log.warn(`fault flags: ${String(message)}`),
    info: (message: unknown) => log.debug(`fault flags: ${String(message)}`),
    debug: (message: unknown) => log.debug(`fault flags: ${String(message)}`),
  };
}

const counter = () =>
  metrics.getMeter('shop-fault-flags').createCounter('app.faults.injected', {
    description: 'Faults injected on purpose through the fault flags, by fault.',
  });
let injected: ReturnType<typeof counter> | undefined;

/**
 * Marks the active span as carrying an injected fault and counts it, so that a trace or a dashboard never
 * passes a fault made on purpose off as a real one. Where the fault fails the work, the span it is thrown
 * through (inSpan) records it and sets the status to ERROR.
 */
export function markFault(
  name: FaultName,
  attributes: Attributes = {},
  span: Span | undefined = trace.getActiveSpan(),
): void {
  span?.setAttribute(`app.fault.${name}`, true);
  span?.addEvent('app.fault.injected', { 'app.fault.name': name, ...attributes });
  injected ??= counter();
  injected.add(1, { 'app.fault.name': name });
}
