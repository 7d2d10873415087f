import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { dropDatabase, provisionDatabase, type PostgresConnection } from '@shop/db';
import { waitUntilServing } from '@shop/grpc';
import {
  ADDRESS_VARIABLE,
  APPS,
  DEFAULT_PORTS,
  PEERS,
  SERVICES,
  databaseName,
  type AppName,
  type ServiceName,
} from './apps';
import { startAppProcess, type AppProcess } from './app-process';
import { startBroker, startMailCatcher, type MailCatcher } from './infrastructure';
import { freePort } from '@shop/testing';

export const WORKSPACE_ROOT = resolve(__dirname, '../../..');

export interface StackOptions {
  /** Admin connection to the Postgres server on which each service gets its own database and role. */
  postgres: PostgresConnection;
  /** An existing broker (`KAFKA_BROKERS`); otherwise the stack starts the mock cluster. */
  kafkaBrokers?: string | undefined;
  /** An existing SMTP server (`SMTP_URL`); otherwise the stack starts the mail catcher. */
  smtpUrl?: string | undefined;
  /** Replicas per app (default 1 each). */
  scale?: Partial<Record<AppName, number>>;
  /** Fixed ports (the defaults of the apps) or free ones picked at start (tests run several stacks). */
  ports?: 'default' | 'free';
  /** Prepended to database and role names (default `shop_`), so several stacks can share a server. */
  databasePrefix?: string;
  /** Prepended to topic names, so several stacks can share a broker. */
  topicPrefix?: string;
  /** Dropped again on stop: for tests. */
  temporaryDatabases?: boolean;
  /** Extra environment for every app (LOG_LEVEL, KAFKA_* timings, OTEL_*, ...). */
  env?: NodeJS.ProcessEnv;
  /** Build the apps first (cached by Nx). */
  build?: boolean;
  logDir?: string;
  echo?: NodeJS.WritableStream;
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
  processes: AppProcess[];
  logDir: string;
  /** Stops everything; resolves with how each app process exited (0 is a clean, graceful stop). */
  stop(): Promise<{ label: string; code: number | null }[]>;
}

function buildApps(echo: NodeJS.WritableStream | undefined): void {
  execFileSync(
    join(WORKSPACE_ROOT, 'node_modules/.bin/nx'),
    ['run-many', '-t', 'build', '-p', ...APPS, '--outputStyle=stream'],
    {
      cwd: WORKSPACE_ROOT,
      stdio: ['ignore', echo ? 'inherit' : 'pipe', 'inherit'],
      env: { ...process.env, NX_NO_CLOUD: 'true', NX_DAEMON: 'false' },
    },
  );
}

async function portsFor(app: AppName, replicas: number, mode: 'default' | 'free'): Promise<number[]> {
  if (mode === 'free') return Promise.all(Array.from({ length: replicas }, () => freePort()));
  // Replica i of a service takes the default port + 100 * i: 50052, 50152, 50252 for orders-service.
  const step = app === 'gateway' ? 1 : 100;
  return Array.from({ length: replicas }, (_, i) => DEFAULT_PORTS[app] + step * i);
}

async function waitForGateway(url: string, app: AppProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (app.child.exitCode !== null) throw new Error(`${app.label} exited at start-up:\n${app.tail()}`);
    const ready = await fetch(`${url}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    if (Date.now() > deadline)
      throw new Error(`${app.label} not ready after ${timeoutMs} ms:\n${app.tail()}`);
    await sleep(200);
  }
}

/**
 * Runs the whole shop as plain Node processes: a database and role per service, the broker, the mail
 * catcher, every app (N replicas where asked), wired to each other, started in dependency order.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const prefix = options.databasePrefix ?? 'shop_';
  const mode = options.ports ?? 'default';
  const logDir = options.logDir ?? join(WORKSPACE_ROOT, 'tmp', 'stack', 'logs');
  if (options.build !== false) buildApps(options.echo);

  const cleanups: (() => Promise<void>)[] = [];
  const processes: AppProcess[] = [];
  // The apps run in process groups of their own (see app-process.ts); should this process end without
  // stopping them, they must not outlive it.
  const orphanGuard = () => processes.forEach((app) => app.child.kill('SIGKILL'));
  process.once('exit', orphanGuard);
  const stop = async () => {
    process.off('exit', orphanGuard);
    const exits: { label: string; code: number | null }[] = [];
    // Gateway first, then the services, so nothing calls a peer that is already gone.
    for (const app of [...processes].reverse())
      exits.push({ label: app.label, code: await app.stop(15_000) });
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    return exits;
  };

  try {
    const broker = await startBroker(options.kafkaBrokers, options.topicPrefix);
    cleanups.push(() => broker.stop());
    // MailDev's own defaults when the stack runs on fixed ports, so its web UI is always at :1080.
    const mail: MailCatcher = await startMailCatcher(
      options.smtpUrl,
      mode === 'default' ? { smtp: 1025, web: 1080 } : {},
    );
    cleanups.push(() => mail.stop());

    const databases = Object.fromEntries(
      SERVICES.map((service) => [service, databaseName(service, prefix)]),
    ) as Record<ServiceName, string>;
    for (const service of SERVICES) {
      const name = databases[service];
      await provisionDatabase(options.postgres, { database: name, role: name, password: name });
      if (options.temporaryDatabases) cleanups.push(() => dropDatabase(options.postgres, name));
    }

    // A fresh signing key per run: tokens from an earlier run stop working, as after a key rotation.
    const keys = generateKeyPairSync('ed25519');
    const ports = Object.fromEntries(
      await Promise.all(
        APPS.map(async (app) => [app, await portsFor(app, options.scale?.[app] ?? 1, mode)] as const),
      ),
    ) as Record<AppName, number[]>;
    const addresses = Object.fromEntries(
      SERVICES.map((service) => [service, ports[service].map((port) => `127.0.0.1:${port}`).join(',')]),
    ) as Record<ServiceName, string>;

    const envFor = (app: AppName, port: number): NodeJS.ProcessEnv => {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        ...options.env,
        OTEL_SERVICE_NAME: app,
        // Logs go to the terminal and the log files here; exporting them too is opt-in.
        OTEL_LOGS_EXPORTER:
          options.env?.['OTEL_LOGS_EXPORTER'] ?? process.env['OTEL_LOGS_EXPORTER'] ?? 'none',
        // Without somewhere to send telemetry, the SDK stays off rather than retrying exports forever.
        OTEL_SDK_DISABLED:
          options.env?.['OTEL_SDK_DISABLED'] ??
          process.env['OTEL_SDK_DISABLED'] ??
          (options.env?.['OTEL_EXPORTER_OTLP_ENDPOINT'] || process.env['OTEL_EXPORTER_OTLP_ENDPOINT']
            ? 'false'
            : 'true'),
        KAFKA_BROKERS: broker.brokers,
        KAFKA_TOPIC_PREFIX: options.topicPrefix ?? '',
      };
      for (const peer of PEERS[app]) env[ADDRESS_VARIABLE[peer]] = addresses[peer];
      if (app === 'gateway') {
        return {
          ...env,
          GATEWAY_HOST: '127.0.0.1',
          GATEWAY_PORT: String(port),
          JWT_PUBLIC_KEY: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        };
      }
      const database = databases[app];
      return {
        ...env,
        GRPC_HOST: '127.0.0.1',
        GRPC_PORT: String(port),
        PGHOST: options.postgres.host,
        PGPORT: String(options.postgres.port),
        PGUSER: database,
        PGPASSWORD: database,
        PGDATABASE: database,
        ...(app === 'users-service' && {
          JWT_PRIVATE_KEY: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        }),
        ...(app === 'email-service' && { SMTP_URL: mail.smtpUrl }),
      };
    };

    const launch = (app: AppName) =>
      ports[app].map((port, i) =>
        startAppProcess({
          label: `${app}#${i + 1}`,
          script: join(WORKSPACE_ROOT, 'dist', 'apps', app, 'main.js'),
          env: envFor(app, port),
          logDir,
          // Telemetry starts before the app, as in the images.
          nodeArgs: [
            '--enable-source-maps',
            '--import',
            join(WORKSPACE_ROOT, 'dist', 'apps', app, 'telemetry.js'),
          ],
          ...(options.echo && { echo: options.echo }),
        }),
      );

    // Services first (each waits for its own migrations), then the gateway once they all serve.
    const services = SERVICES.flatMap(launch);
    processes.push(...services);
    await Promise.all(
      SERVICES.flatMap((service) =>
        ports[service].map((port, i) => {
          const replica = services.find(
            (candidate) => candidate.label === `${service}#${i + 1}`,
          ) as AppProcess;
          return Promise.race([
            waitUntilServing(`127.0.0.1:${port}`, 60_000),
            replica.exited.then((code) => {
              throw new Error(`${replica.label} exited with ${code} at start-up:\n${replica.tail()}`);
            }),
          ]);
        }),
      ),
    );
    const gateways = launch('gateway');
    processes.push(...gateways);
    const gatewayUrls = ports.gateway.map((port) => `http://127.0.0.1:${port}`);
    await Promise.all(
      gateways.map((gateway, i) => waitForGateway(gatewayUrls[i] as string, gateway, 60_000)),
    );

    return {
      gatewayUrl: gatewayUrls[0] as string,
      gatewayUrls,
      addresses,
      kafkaBrokers: broker.brokers,
      brokerPid: broker.pid,
      mail: { smtpUrl: mail.smtpUrl, webUrl: mail.webUrl, pid: mail.pid },
      databases,
      processes,
      logDir,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
