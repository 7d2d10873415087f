/** The shop under measurement: a fresh stack per run with fast Kafka timings, and connections to it. */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { PostgresConnection } from '@shop/db';
import { startStack, WORKSPACE_ROOT, type AppName, type Stack } from '@shop/stack';

/** The admin connection to the Postgres server, from the standard PG* variables. */
export function adminConnection(): PostgresConnection {
  return {
    host: process.env['PGHOST'] || '127.0.0.1',
    port: Number(process.env['PGPORT'] || 5432),
    user: process.env['PGUSER'] || 'postgres',
    password: process.env['PGPASSWORD'] || undefined,
    database: process.env['PGDATABASE'] || 'postgres',
  };
}

/** Consumers that rebalance in seconds and fetch without long empty waits; quiet logs. */
export const FAST_KAFKA_ENV: Record<string, string> = {
  KAFKA_SESSION_TIMEOUT_MS: '6000',
  KAFKA_HEARTBEAT_INTERVAL_MS: '500',
  KAFKA_FETCH_MAX_WAIT_MS: '100',
  LOG_LEVEL: 'warn',
};

export interface BenchStackOptions {
  /** Unique per run: databases `<label>_<random>_users`, ..., topics `<label>-<random>.orders.v1.events`, ... */
  label: string;
  scale?: Partial<Record<AppName, number>>;
  env?: Record<string, string>;
  build?: boolean;
}

export interface BenchStack {
  stack: Stack;
  topicPrefix: string;
  stop(): Promise<void>;
}

/**
 * A fresh stack on free ports: its own temporary databases, mail catcher and broker, a topic prefix of
 * its own (the stack's broker creates the shop's topics under it, at their real partition counts),
 * telemetry off.
 */
export async function startBenchStack(options: BenchStackOptions): Promise<BenchStack> {
  // Telemetry is decided here, not by whatever the calling shell has set.
  for (const name of Object.keys(process.env)) if (name.startsWith('OTEL_')) delete process.env[name];
  const run = `${options.label}_${randomBytes(3).toString('hex')}`;
  const topicPrefix = `${run.replaceAll('_', '-')}.`;
  const stack = await startStack({
    postgres: adminConnection(),
    ports: 'free',
    scale: options.scale ?? {},
    databasePrefix: `${run}_`,
    topicPrefix,
    temporaryDatabases: true,
    build: options.build ?? true,
    logDir: join(WORKSPACE_ROOT, 'tmp', 'bench', run),
    env: { ...FAST_KAFKA_ENV, OTEL_SDK_DISABLED: 'true', ...options.env },
  });
  return { stack, topicPrefix, stop: () => stopQuietly(stack) };
}

/** The connection an app of the stack uses for its own database (role and password = database name). */
export function serviceConnection(stack: Stack, service: keyof Stack['databases']): PostgresConnection {
  const admin = adminConnection();
  const database = stack.databases[service];
  return { host: admin.host, port: admin.port, user: database, password: database, database };
}

/** An app that did not exit cleanly is worth a note, not a failed benchmark: the figures are taken. */
export async function stopQuietly(stack: Stack): Promise<void> {
  const exits = await stack.stop();
  const failed = exits.filter((exit) => exit.code !== 0);
  if (failed.length)
    process.stderr.write(
      `  note: unclean exits: ${failed.map((exit) => `${exit.label}=${exit.code}`).join(', ')}\n`,
    );
}
