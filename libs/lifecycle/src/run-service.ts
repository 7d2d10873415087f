import { loadConfig, z, type KafkaEnv, type PostgresEnv } from '@shop/config';
import { connectionFromEnv, createPool, runMigrations, type Migration, type Pool } from '@shop/db';
import { createKafka } from '@shop/kafka';
import { createLogger, type Logger } from '@shop/logger';
import type { Kafka } from 'kafkajs';
import { untilAvailable, watchDependency, type DependencyWatch } from './dependency-watch';
import { handleShutdown, runMain } from './shutdown';

/** What every gRPC service's config holds, whatever else it adds. */
export type ServiceConfig = PostgresEnv &
  Pick<KafkaEnv, 'KAFKA_BROKERS'> & {
    LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
    SHUTDOWN_GRACE_MS: number;
    LIFELINE_FD?: number | undefined;
  };

export interface ServiceDeps<Config> {
  config: Config;
  pool: Pool;
  kafka: Kafka;
  logger: Logger;
}

export interface RunnableService {
  /** Starts serving; resolves with the bound gRPC port. */
  start(): Promise<number>;
  /** Drains and stops what `start` started. */
  stop(): Promise<void>;
  /** Reports the service ready or not on the health protocol, while it keeps running. */
  setServing(serving: boolean): void;
}

export interface RunServiceOptions<Config extends ServiceConfig> {
  name: string;
  configSchema: z.ZodType<Config>;
  migrations: readonly Migration[];
  create(deps: ServiceDeps<Config>): RunnableService;
}

/**
 * The composition root shared by the gRPC services, in the order that keeps them honest: config
 * (fails readably), logger, database pool, the service's own migrations before anything serves, Kafka,
 * the service, then a graceful stop on SIGTERM (or a closed lifeline) that drains the service before
 * closing the pool.
 */
export function runService<Config extends ServiceConfig>(options: RunServiceOptions<Config>): void {
  runMain(async () => {
    const config = loadConfig(options.configSchema);
    const logger = createLogger({ service: options.name, level: config.LOG_LEVEL });
    const pool = createPool(connectionFromEnv(config), {
      applicationName: config.PGAPPNAME ?? options.name,
      max: config.PG_POOL_MAX,
    });
    // Signals and the lifeline are handled from here on: a stop asked for while the service waits for
    // its database, or while it starts, must end it gracefully too, not leave it running or kill it.
    const stopped = new AbortController();
    const running: { service?: RunnableService; database?: DependencyWatch } = {};
    handleShutdown({
      logger,
      timeoutMs: config.SHUTDOWN_GRACE_MS + 5_000,
      lifelineFd: config.LIFELINE_FD,
      stop: async () => {
        stopped.abort();
        running.database?.stop();
        await running.service?.stop();
        await pool.end();
      },
    });
    // A database that is not up yet (started together, or restarting) delays the start; it is no crash.
    const migrate = () => runMigrations(pool, options.migrations, logger);
    await untilAvailable(migrate, 'database', logger, stopped.signal);
    if (stopped.signal.aborted) return;
    const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: options.name, logger });
    const service = options.create({ config, pool, kafka, logger });
    running.service = service;
    const port = await service.start();
    logger.info({ port }, `${options.name} started`);
    if (stopped.signal.aborted) return;
    // Every call needs the database; the broker is not needed to serve (the outbox holds the events).
    running.database = watchDependency({
      name: 'database',
      check: () => pool.query('SELECT 1'),
      onChange: (available) => service.setServing(available),
      logger,
    });
  });
}
