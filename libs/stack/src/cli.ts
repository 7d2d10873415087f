/**
 * `npm run stack [-- --scale payments-service=3 ...]`, `npm run stack -- --architecture monolith`: the
 * whole shop on this machine, no Docker, as microservices or as the monolith; see
 * USAGE in cli-options.ts. Postgres comes from the standard PG* variables (default postgres@127.0.0.1:5432);
 * KAFKA_BROKERS and SMTP_URL name an existing broker or SMTP server instead of the bundled ones; OTEL_*
 * pass through.
 *
 * It behaves as a supervisor: a crashed replica is restarted (with a backoff, up to a limit); SIGINT,
 * SIGTERM and SIGHUP all stop everything in order and exit 0 when every app stopped cleanly; and nothing
 * it started outlives it, even when it is killed (see lifeline.ts).
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { surviveLostOutputReader } from '@shop/lifecycle';
import { parseCliOptions, USAGE, type CliOptions } from './cli-options';
import { startStack, WORKSPACE_ROOT, type AnyStack } from './start-stack';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/** Where `npm run traces` looks by default. */
const DEFAULT_TRACE_DIR = resolve(WORKSPACE_ROOT, 'tmp', 'stack', 'traces');

/** What only one architecture has: the services, broker and certificates, or the monolith's database. */
function architectureRows(stack: AnyStack): { before: [string, string][]; after: [string, string][] } {
  if (stack.architecture === 'monolith')
    return {
      before: [],
      after: [
        ['database', `${stack.database} (a schema and role per module)`],
        ['logs', stack.logDir],
      ],
    };
  return {
    before: [
      ...Object.entries(stack.addresses).map(([service, address]): [string, string] => [
        service,
        `grpc ${address}`,
      ]),
      ['kafka', stack.kafkaBrokers],
    ],
    after: [
      ['databases', Object.values(stack.databases).join(', ')],
      ['logs', stack.logDir],
      ['gRPC certificates', `${stack.certsDir} (mutual TLS between the apps)`],
    ],
  };
}

function summary(stack: AnyStack): string {
  const { before, after } = architectureRows(stack);
  const rows: [string, string][] = [
    [stack.architecture === 'monolith' ? 'monolith' : 'gateway', stack.gatewayUrls.join(', ')],
    ['API docs', `${stack.gatewayUrl}/docs`],
    ...before,
    ['mail (SMTP)', stack.mail.smtpUrl],
    ...(stack.mail.webUrl ? [['mail (web UI)', stack.mail.webUrl] as [string, string]] : []),
    ...after,
    [
      'traces',
      !stack.traces
        ? 'off (--no-traces or OTEL_SDK_DISABLED)'
        : stack.traces.dir
          ? `npm run traces (kept in ${stack.traces.dir})`
          : `exported to ${stack.traces.endpoint}`,
    ],
    [
      'pids',
      [`launcher ${process.pid}`, ...stack.pids().map(({ label, pid }) => `${label} ${pid}`)].join(', '),
    ],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  return [
    '',
    'The shop is running:',
    ...rows.map(([name, value]) => `  ${name.padEnd(width)}  ${value}`),
    '',
    'Ctrl-C stops it all.',
    '',
  ].join('\n');
}

/** For scripts and tests: where everything is and which processes are the shop's, as JSON. */
function writeStatus(file: string, stack: AnyStack): void {
  const status = {
    launcher: process.pid,
    architecture: stack.architecture,
    gatewayUrl: stack.gatewayUrl,
    gatewayUrls: stack.gatewayUrls,
    ...(stack.architecture === 'monolith'
      ? { database: stack.database }
      : {
          addresses: stack.addresses,
          kafkaBrokers: stack.kafkaBrokers,
          databases: stack.databases,
          certsDir: stack.certsDir,
        }),
    mail: stack.mail,
    logDir: stack.logDir,
    traces: stack.traces ? { endpoint: stack.traces.endpoint, dir: stack.traces.dir ?? null } : null,
    processes: stack.pids(),
    replicas: stack.processes.map((replica) => ({
      label: replica.label,
      port: replica.port,
      pid: replica.pid() ?? null,
      state: replica.state(),
      crashes: replica.crashes.length,
    })),
  };
  // Written whole, then renamed: a reader never sees half a file.
  writeFileSync(`${file}.tmp`, `${JSON.stringify(status, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

async function main(): Promise<number> {
  const options = parseCliOptions(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const statusFile = options.statusFile && resolve(options.statusFile);
  const startAborted = new AbortController();
  let stack: AnyStack | undefined;
  let signalled = false;

  const stop = async (running: AnyStack): Promise<number> => {
    const exits = await running.stop();
    if (statusFile) rmSync(statusFile, { force: true });
    const unclean = exits.filter((exit) => exit.code !== 0);
    for (const exit of unclean) {
      const how = exit.code === null ? 'killed by a signal' : `exit code ${exit.code}`;
      process.stderr.write(`${exit.label} did not stop cleanly (${how})\n`);
    }
    return unclean.length === 0 ? 0 : 1;
  };
  // One stop, whichever signal came first and however often: npm forwards the terminal's signal to a
  // script that already got it from the terminal.
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) return;
    signalled = true;
    process.stdout.write(`\n${signal}: stopping the shop...\n`);
    if (!stack) {
      startAborted.abort(new Error(`${signal} during start-up: stopped what had started`));
      return;
    }
    void stop(stack).then((code) => process.exit(code));
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);

  try {
    stack = await start(options, statusFile, startAborted.signal, () => stack);
  } catch (error) {
    // A signal during start-up: what had started is stopped again, as it asked.
    if (!startAborted.signal.aborted) throw error;
    process.stderr.write(`${(startAborted.signal.reason as Error).message}\n`);
    return 0;
  }
  if (statusFile) writeStatus(statusFile, stack);
  process.stdout.write(summary(stack));
  // Runs until a signal; the replicas' processes keep the event loop alive.
  return new Promise<number>(() => undefined);
}

function start(
  options: CliOptions,
  statusFile: string | undefined,
  signal: AbortSignal,
  current: () => AnyStack | undefined,
): Promise<AnyStack> {
  return startStack({
    architecture: options.architecture,
    postgres: {
      host: process.env['PGHOST'] || '127.0.0.1',
      port: Number(process.env['PGPORT'] || 5432),
      user: process.env['PGUSER'] || 'postgres',
      password: process.env['PGPASSWORD'] || undefined,
      database: process.env['PGDATABASE'] || 'postgres',
    },
    kafkaBrokers: process.env['KAFKA_BROKERS'] || undefined,
    smtpUrl: process.env['SMTP_URL'] || undefined,
    scale: options.scale,
    ports: options.ports,
    pinnedPorts: options.pinnedPorts,
    build: options.build,
    sourceMaps: options.sourceMaps,
    signal,
    ...(options.databasePrefix !== undefined && { databasePrefix: options.databasePrefix }),
    ...(options.topicPrefix !== undefined && { topicPrefix: options.topicPrefix }),
    ...(options.logDir !== undefined && { logDir: resolve(options.logDir) }),
    ...(options.certsDir !== undefined && { certsDir: resolve(options.certsDir) }),
    ...(options.traces && { traceDir: resolve(options.traceDir ?? DEFAULT_TRACE_DIR) }),
    ...(options.quiet ? {} : { echo: process.stdout }),
    ...(statusFile && {
      onReplicaChange: () => {
        const stack = current();
        if (stack) writeStatus(statusFile, stack);
      },
    }),
  });
}

// Under `timeout`, piped into `head`, or after the terminal hung up, output can fail with EPIPE or EIO:
// the shop must still stop in order rather than the launcher die and leave the apps to their lifelines.
surviveLostOutputReader();
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
