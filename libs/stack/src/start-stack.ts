import { join } from 'node:path';
import type { PostgresConnection } from '@shop/db';
import type { AppName, Architecture, ServiceName } from './apps';
import { buildApps, WORKSPACE_ROOT } from './app-builds';
import { assertPortsFree } from './port-check';
import { planPorts } from './port-plan';
import { startMicroservices } from './start-microservices';
import { startMonolith } from './start-monolith';
import type { StackTraces } from './stack-traces';
import { createStackRun, type AppExitCode } from './stack-run';
import type { AppReplica } from './supervise';

export {
  APP_SEMI_SPACE_MIB,
  appNodeArgs,
  appScript,
  buildApps,
  DEFAULT_FLAGS_FILE,
  WORKSPACE_ROOT,
} from './app-builds';
export { LAUNCHER } from './start-microservices';

export interface StackOptions {
  /**
   * `microservices` (the default): the gateway and the four services, a database each, the broker
   * between them. `monolith`: apps/monolith alone on the gateway's port, with one database (it makes its
   * modules' schemas and roles in it itself), the same mail, telemetry, flags and signing key, and no
   * broker: `kafkaBrokers`, `topicPrefix` and `certsDir` do not apply, nor `scale`, nor a pinned port
   * other than the gateway's.
   */
  architecture?: Architecture;
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

/** What a stack of either architecture has. */
export interface StackBase {
  architecture: Architecture;
  /** The public HTTP API (and storefront): the gateway's, or the monolith's. */
  gatewayUrl: string;
  gatewayUrls: string[];
  /** `pid`: the mail catcher's process, when the stack started it (not when `smtpUrl` was given). */
  mail: { smtpUrl: string; webUrl: string | undefined; pid: number | undefined };
  /** Every app replica, supervised (restarted after a crash), in start order. */
  processes: AppReplica[];
  logDir: string;
  /** Where the apps' traces go; undefined when tracing is off. */
  traces: StackTraces | undefined;
  /** The processes the stack runs right now: each replica's current run, the broker, the mail catcher. */
  pids(): { label: string; pid: number }[];
  /**
   * Stops everything, the last started first (the gateway before the services), then the broker and the
   * mail catcher; resolves with how each replica's last run exited (0 is a clean, graceful stop). Safe to
   * call again.
   */
  stop(): Promise<AppExitCode[]>;
}

/** The microservices: the gateway in front of four gRPC services. */
export interface Stack extends StackBase {
  architecture: 'microservices';
  /** gRPC addresses per service, as replica lists. */
  addresses: Record<ServiceName, string>;
  kafkaBrokers: string;
  /** The broker's process, when the stack started it (not when `kafkaBrokers` was given). */
  brokerPid: number | undefined;
  databases: Record<ServiceName, string>;
  /**
   * The workload certificates: `<certsDir>/<workload>/{tls.crt,tls.key,ca.crt}`, the CA in `ca/`, and
   * the launcher's own (LAUNCHER) for its health checks: the services answer only callers of their CA.
   */
  certsDir: string;
}

/** The monolith: one process serving the public API, its modules in process. */
export interface MonolithStack extends StackBase {
  architecture: 'monolith';
  /** The database its modules share, each in a schema of its own (their roles are the monolith's). */
  database: string;
}

/** A stack of either architecture. */
export type AnyStack = Stack | MonolithStack;

/**
 * Runs the whole shop as plain Node processes, after checking that every port it will listen on is free:
 * the microservices (a database and role per service, the broker, every app, N replicas where asked) or
 * the monolith (its database and the one process), with the mail catcher, each app supervised and started
 * in dependency order. Every process it starts ends when this one does, however it ends (see
 * lifeline.ts).
 */
export function startStack(options: StackOptions & { architecture: 'monolith' }): Promise<MonolithStack>;
export function startStack(options: StackOptions & { architecture?: 'microservices' }): Promise<Stack>;
export function startStack(options: StackOptions): Promise<AnyStack>;
export async function startStack(options: StackOptions): Promise<AnyStack> {
  const architecture = options.architecture ?? 'microservices';
  const logDir = options.logDir ?? join(WORKSPACE_ROOT, 'tmp', 'stack', 'logs');

  const { ports, mailPorts, claims } = await planPorts(options);
  await assertPortsFree(claims);
  options.signal?.throwIfAborted();
  if (options.build !== false) buildApps(options.echo, architecture);

  const run = createStackRun({
    logDir,
    echo: options.echo,
    notices: options.notices,
    onReplicaChange: options.onReplicaChange,
  });
  try {
    return architecture === 'monolith'
      ? await startMonolith(options, run, { port: ports.gateway[0] as number, mailPorts, logDir })
      : await startMicroservices(options, run, { ports, mailPorts, logDir });
  } catch (error) {
    await run.stop();
    throw error;
  }
}
