/**
 * `npm run stack [-- --scale payments-service=3 ...]`: the whole shop on this machine, no Docker.
 * Postgres comes from the standard PG* variables (default postgres@127.0.0.1:5432); KAFKA_BROKERS and
 * SMTP_URL name an existing broker or SMTP server instead of the bundled ones; OTEL_* pass through.
 */
import { parseArgs } from 'node:util';
import { APPS, isAppName, type AppName } from './apps';
import { startStack, type Stack } from './start-stack';

function parseScale(values: readonly string[]): Partial<Record<AppName, number>> {
  const scale: Partial<Record<AppName, number>> = {};
  for (const value of values) {
    const [app, count] = value.split('=');
    const replicas = Number(count);
    if (!app || !isAppName(app) || !Number.isInteger(replicas) || replicas < 1 || replicas > 12) {
      throw new Error(
        `--scale takes APP=N with APP one of ${APPS.join(', ')} and N from 1 to 12; got "${value}"`,
      );
    }
    scale[app] = replicas;
  }
  return scale;
}

function summary(stack: Stack): string {
  const rows: [string, string][] = [
    ['gateway', stack.gatewayUrls.join(', ')],
    ['API docs', `${stack.gatewayUrl}/docs`],
    ...Object.entries(stack.addresses).map(([service, address]): [string, string] => [
      service,
      `grpc ${address}`,
    ]),
    ['kafka', stack.kafkaBrokers],
    ['mail (SMTP)', stack.mail.smtpUrl],
    ...(stack.mail.webUrl ? [['mail (web UI)', stack.mail.webUrl] as [string, string]] : []),
    ['databases', Object.values(stack.databases).join(', ')],
    ['logs', stack.logDir],
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

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scale: { type: 'string', multiple: true, default: [] },
      quiet: { type: 'boolean', default: false },
    },
  });
  const stack = await startStack({
    postgres: {
      host: process.env['PGHOST'] || '127.0.0.1',
      port: Number(process.env['PGPORT'] || 5432),
      user: process.env['PGUSER'] || 'postgres',
      password: process.env['PGPASSWORD'] || undefined,
      database: process.env['PGDATABASE'] || 'postgres',
    },
    kafkaBrokers: process.env['KAFKA_BROKERS'] || undefined,
    smtpUrl: process.env['SMTP_URL'] || undefined,
    scale: parseScale(values.scale),
    ...(values.quiet ? {} : { echo: process.stdout }),
  });
  process.stdout.write(summary(stack));
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping the shop...\n`);
    stack.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  for (const app of stack.processes) {
    void app.exited.then((code) => {
      if (!stopping)
        process.stderr.write(`${app.label} exited unexpectedly (code ${code}); see ${app.logFile}\n`);
    });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
