import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { join, resolve } from 'node:path';
import { dropDatabase, provisionDatabase, type PostgresConnection } from '@shop/db';
import { waitUntilServing } from '@shop/grpc';
import { issueCertificates, mtlsClientSecurity, readTlsDir } from '@shop/service-identity';
import { APPS, MAIL_CATCHER_PORTS, SERVICES, databaseName, type AppName, type ServiceName } from './apps';
import { appEnv, type AppEnvContext } from './app-env';
import { startBroker, startMailCatcher, type MailCatcher } from './infrastructure';
import { receiveTraces, type StackTraces } from './stack-traces';
import { assertPortsFree } from './port-check';
import { planPorts } from './port-plan';
import { abortable, untilReady, waitForGateway } from './start-waits';
import { supervise, type AppReplica } from './supervise';

export const WORKSPACE_ROOT = resolve(__dirname, '../../..');

/** The fault flags file in the repository, every fault off until `npm run flags` sets one. */
export const DEFAULT_FLAGS_FILE = join(WORKSPACE_ROOT, 'deploy', 'flags', 'faults.flagd.json');

/** The launcher's workload name: it calls nothing but health, which is open to every workload. */
export const LAUNCHER = 'stack-launcher';

export interface StackOptions {
  /** Admin connection to the Postgres server on which each service gets its own database and role. */
  postgres: PostgresConnection;
  /** An existing broker (`KAFKA_BROKERS`); otherwise the stack starts the mock cluster. */
  kafkaBrokers?: string | undefined;
  /** An existing SMTP server (`SMTP_URL`); otherwise the stack starts the mail catcher. */
  smtpUrl?: string | undefined;
  /** Replicas per app (default 1 each). */
  scale?: Partial<Record<AppName, number>>;
  /** Fixed ports (DEFAULT_PORTS, MailDev's) or free ones picked at start (tests run several stacks). */
  ports?: 'default' | 'free';
  /** The port of an app's first replica, whichever `ports`; further replicas follow as in DEFAULT_PORTS. */
  pinnedPorts?: Partial<Record<AppName, number>>;
  /** Prepended to database and role names (default `shop_`), so several stacks can share a server. */
  databasePrefix?: string;
  /** Prepended to topic names, so several stacks can share a broker. */
  topicPrefix?: string;
  /** Dropped again on stop: for tests. */
  temporaryDatabases?: boolean;
  /** Extra environment for every app (LOG_LEVEL, KAFKA_* timings, OTEL_*, ...). */
  env?: NodeJS.ProcessEnv;
  /**
   * The fault flags file the apps follow (`FLAGS_FILE`): by default the repository's, the one
   * `npm run flags` edits, so that a flag set there applies to the running stack.
   */
  flagsFile?: string;
  /**
   * Run the apps with `--enable-source-maps`, so that their stack traces name TypeScript lines: off by
   * default, since Node then parses the source map of every module it loads that has one, the
   * OpenTelemetry packages' included, and keeps them (10-13 MiB per app).
   */
  sourceMaps?: boolean;
  /** Build the apps first (cached by Nx). */
  build?: boolean;
  logDir?: string;
  /**
   * Where the apps' gRPC workload certificates and the development CA that signs them are kept (default
   * tmp/stack/certs): made at the first start, reused after (renewed when about to expire).
   */
  certsDir?: string;
  /**
   * Keep the apps' traces in this folder, received by the stack itself, unless an OTLP endpoint is
   * given (`OTEL_EXPORTER_OTLP_ENDPOINT`): then the apps export there. Without either, tracing is off.
   */
  traceDir?: string;
  echo?: NodeJS.WritableStream;
  /** Where replica restarts and give-ups are told; standard error by default. */
  notices?: NodeJS.WritableStream;
  /** After a replica crashed, was restarted (its new pid in place) or was left down. */
  onReplicaChange?: (replica: AppReplica) => void;
  /** Aborts the start: what was started is stopped again, in order, and the start rejects. */
  signal?: AbortSignal;
}

export interface Stack {
  gatewayUrl: string;
  gatewayUrls: string[];
  /** gRPC addresses per service, as replica lists. */
  addresses: Record<ServiceName, string>;
  kafkaBrokers: string;
  /** The broker's process, when the stack started it (not when `kafkaBrokers` was given). */
  brokerPid: number | undefined;
  /** `pid`: the mail catcher's process, when the stack started it (not when `smtpUrl` was given). */
  mail: { smtpUrl: string; webUrl: string | undefined; pid: number | undefined };
  databases: Record<ServiceName, string>;
  /** Every app replica, supervised (restarted after a crash): services first, gateways last. */
  processes: AppReplica[];
  logDir: string;
  /**
   * The workload certificates: `<certsDir>/<workload>/{tls.crt,tls.key,ca.crt}`, the CA in `ca/`, and
   * the launcher's own (LAUNCHER) for its health checks: the services answer only callers of their CA.
   */
  certsDir: string;
  /** Where the apps' traces go; undefined when tracing is off. */
  traces: StackTraces | undefined;
  /** The processes the stack runs right now: each replica's current run, the broker, the mail catcher. */
  pids(): { label: string; pid: number }[];
  /**
   * Stops everything, gateway first, then the services, broker and mail catcher; resolves with how each
   * replica's last run exited (0 is a clean, graceful stop). Safe to call again.
   */
  stop(): Promise<{ label: string; code: number | null }[]>;
}

/**
 * The size of each of V8's two young-generation semi-spaces in an app, natively. V8 sizes them from the
 * memory it sees: on a machine with many GiB up to 32 MiB each, which an app's start-up fills with
 * garbage and then keeps resident (about 35-55 MiB per app idle, see docs/performance.md); in a
 * container it sees the container's memory limit and keeps them small. 2 MiB bounds them natively
 * too. The benchmarks start their stacks through here, so they get the same bound; a
 * `--max-semi-space-size` in NODE_OPTIONS wins (32 compares with figures taken before the bound).
 */
export const APP_SEMI_SPACE_MIB = 2;

/** How Node runs an app of the stack: telemetry preloaded, as in the images; see the options above. */
function appNodeArgs(app: AppName, options: Pick<StackOptions, 'env' | 'sourceMaps'>): string[] {
  const nodeOptions = options.env?.['NODE_OPTIONS'] ?? process.env['NODE_OPTIONS'] ?? '';
  return [
    ...(options.sourceMaps ? ['--enable-source-maps'] : []),
    ...(nodeOptions.includes('--max-semi-space-size') ? [] : [`--max-semi-space-size=${APP_SEMI_SPACE_MIB}`]),
    '--import',
    join(WORKSPACE_ROOT, 'dist', 'apps', app, 'telemetry.js'),
  ];
}

/**
 * Builds every app (cached by Nx), and the storefront the gateway serves, echoing Nx's output to `echo`
 * when given.
 */
export function buildApps(echo?: NodeJS.WritableStream): void {
  execFileSync(
    join(WORKSPACE_ROOT, 'node_modules/.bin/nx'),
    ['run-many', '-t', 'build', '-p', ...APPS, 'storefront', '--outputStyle=stream'],
    {
      cwd: WORKSPACE_ROOT,
      stdio: ['ignore', echo ? 'inherit' : 'pipe', 'inherit'],
      env: { ...process.env, NX_NO_CLOUD: 'true', NX_DAEMON: 'false' },
    },
  );
}

/**
 * Runs the whole shop as plain Node processes: a database and role per service, the broker, the mail
 * catcher, every app (N replicas where asked, each supervised), wired to each other, started in
 * dependency order, after checking that every port it will listen on is free. Every process it starts
 * ends when this one does, however it ends (see lifeline.ts).
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const prefix = options.databasePrefix ?? 'shop_';
  const logDir = options.logDir ?? join(WORKSPACE_ROOT, 'tmp', 'stack', 'logs');
  const certsDir = options.certsDir ?? join(WORKSPACE_ROOT, 'tmp', 'stack', 'certs');

  const { ports, mailPorts, claims } = await planPorts(options);
  await assertPortsFree(claims);
  options.signal?.throwIfAborted();
  if (options.build !== false) buildApps(options.echo);

  const cleanups: (() => Promise<void>)[] = [];
  const replicas: AppReplica[] = [];
  let stopping: Promise<{ label: string; code: number | null }[]> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      const exits: { label: string; code: number | null }[] = [];
      // Gateway first, then the services, so nothing calls a peer that is already gone.
      for (const replica of [...replicas].reverse())
        exits.push({ label: replica.label, code: await replica.stop(15_000) });
      for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
      return exits;
    })();
    return stopping;
  };
  const infrastructurePids: { label: string; pid: number | undefined }[] = [];

  try {
    const broker = await abortable(startBroker(options.kafkaBrokers, options.topicPrefix), options.signal);
    cleanups.push(() => broker.stop());
    infrastructurePids.push({ label: 'kafka broker', pid: broker.pid });
    const mail: MailCatcher = await abortable(
      startMailCatcher(options.smtpUrl, mailPorts ?? MAIL_CATCHER_PORTS),
      options.signal,
    );
    cleanups.push(() => mail.stop());
    infrastructurePids.push({ label: 'mail catcher', pid: mail.pid });
    const infrastructure = [
      { label: 'the kafka broker', running: broker },
      { label: 'the mail catcher', running: mail },
    ];
    // Raced with every wait of the start: a broker or mail catcher that dies fails it at once, by name.
    const infrastructureLost = () =>
      Promise.race(infrastructure.map(({ label, running }) => running.ended.then(() => label))).then(
        (label) => {
          throw new Error(`${label} exited while the stack was starting`);
        },
      );

    const databases = Object.fromEntries(
      SERVICES.map((service) => [service, databaseName(service, prefix)]),
    ) as Record<ServiceName, string>;
    for (const service of SERVICES) {
      const name = databases[service];
      await abortable(
        provisionDatabase(options.postgres, { database: name, role: name, password: name }),
        options.signal,
      );
      if (options.temporaryDatabases) cleanups.push(() => dropDatabase(options.postgres, name));
    }

    // A fresh signing key per run: tokens from an earlier run stop working, as after a key rotation.
    const keys = generateKeyPairSync('ed25519');
    const addresses = Object.fromEntries(
      SERVICES.map((service) => [service, ports[service].map((port) => `127.0.0.1:${port}`).join(',')]),
    ) as Record<ServiceName, string>;

    const traces = await receiveTraces(options);
    if (traces?.stop) cleanups.push(traces.stop);

    // Every app gets its workload certificate; the launcher one of its own for its health checks.
    await abortable(
      issueCertificates({ outDir: certsDir, caDir: join(certsDir, 'ca'), workloads: [...APPS, LAUNCHER] }),
      options.signal,
    );
    const launcherTls = readTlsDir(join(certsDir, LAUNCHER));

    const envContext: AppEnvContext = {
      options: { ...options, env: { ...options.env, ...traces?.env } },
      kafkaBrokers: broker.brokers,
      smtpUrl: mail.smtpUrl,
      addresses,
      databases,
      keys,
      flagsFile: options.flagsFile ?? DEFAULT_FLAGS_FILE,
      certsDir,
    };
    const launch = (app: AppName) =>
      ports[app].map((port, i) => {
        const label = `${app}#${i + 1}`;
        return supervise({
          label,
          app,
          port,
          script: join(WORKSPACE_ROOT, 'dist', 'apps', app, 'main.js'),
          env: appEnv(envContext, app, port, label),
          holds: infrastructure.flatMap(({ running }) => (running.lifeline ? [running.lifeline] : [])),
          logDir,
          nodeArgs: appNodeArgs(app, options),
          mayRestart: () => stopping === undefined,
          ...(options.echo && { echo: options.echo }),
          ...(options.notices && { notices: options.notices }),
          ...(options.onReplicaChange && { onChange: options.onReplicaChange }),
        });
      });

    // Services first (each waits for its own migrations), then the gateway once they all serve.
    const services = SERVICES.flatMap(launch);
    replicas.push(...services);
    await abortable(
      Promise.race([
        Promise.all(
          services.map((replica) =>
            untilReady(replica, () =>
              waitUntilServing(
                `127.0.0.1:${replica.port}`,
                60_000,
                '',
                mtlsClientSecurity(launcherTls, replica.app),
              ),
            ),
          ),
        ),
        infrastructureLost(),
      ]),
      options.signal,
    );
    const gateways = launch('gateway');
    replicas.push(...gateways);
    const gatewayUrls = gateways.map((gateway) => `http://127.0.0.1:${gateway.port}`);
    await abortable(
      Promise.race([
        Promise.all(
          gateways.map((gateway, i) =>
            untilReady(gateway, () => waitForGateway(gatewayUrls[i] as string, 60_000)),
          ),
        ),
        infrastructureLost(),
      ]),
      options.signal,
    );
    // Not restarted (a new broker would have none of the topics' data): said, so that what follows is
    // understood.
    for (const { label, running } of infrastructure) {
      void running.ended.then(() => {
        if (!stopping)
          (options.notices ?? process.stderr).write(
            `${label} exited unexpectedly: the apps cannot reach it any more; restart the stack\n`,
          );
      });
    }

    return {
      gatewayUrl: gatewayUrls[0] as string,
      gatewayUrls,
      addresses,
      kafkaBrokers: broker.brokers,
      brokerPid: broker.pid,
      mail: { smtpUrl: mail.smtpUrl, webUrl: mail.webUrl, pid: mail.pid },
      databases,
      processes: replicas,
      logDir,
      certsDir,
      traces,
      pids: () =>
        [
          ...infrastructurePids,
          ...replicas.map((replica) => ({ label: replica.label, pid: replica.pid() })),
        ].filter((entry): entry is { label: string; pid: number } => entry.pid !== undefined),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
